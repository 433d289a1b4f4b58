"""The lifter's data-preparation rules: the frame operations it emits for small scripts.

Nothing here executes the lifted code (the sandbox does, in the end-to-end tests): the tests read
the emitted steps and the rule trail.
"""

from __future__ import annotations

import textwrap

import pytest
from lester.agents.lifter.prepare import PreparePlan, Unsupported, lift_prepare
from lester.agents.oracle.analysis import JSON_AS_LOADED, SourceReport


def source(path: str, names: list[str], idiom: str = "pandas", header: bool = True) -> SourceReport:
    return SourceReport(path, idiom, 1, ",", header, names, 10, {}, [])


def lift(script: str, *sources: SourceReport) -> PreparePlan:
    code = textwrap.dedent(script).strip() + "\n"
    lines = list(range(1, code.count("\n") + 1))
    return lift_prepare(code, list(sources), lines)


def steps(plan: PreparePlan) -> str:
    return "\n".join(plan.body)


def test_pandas_constant_column_masked_assignment_drop_and_get_dummies():
    plan = lift(
        """
        import pandas as pd
        df = pd.read_csv("data/p.csv")
        df = df.drop(columns=["name"])
        df["alone"] = 0
        df.loc[df["family"] == 1, "alone"] = 1
        df = pd.get_dummies(df, columns=["sex"])
        """,
        source("data/p.csv", ["name", "sex", "family"]),
    )
    body = steps(plan)
    assert ".drop(['name'])" in body
    assert ".project('alone', [], lambda: 0)" in body
    assert "lambda alone, family: alone.mask(family == 1, 1), vectorized=True" in body
    assert plan.columns == ["sex", "family", "alone"]
    assert any("get_dummies" in t for t in plan.trail)


@pytest.mark.parametrize(
    "call",
    ['drop("name", axis=1)', 'drop(["name"], axis="columns")', 'drop(labels="name", axis=1)'],
)
def test_drop_of_labels_along_the_columns_axis_is_a_column_drop(call: str):
    plan = lift(
        f"""
        import pandas as pd
        df = pd.read_csv("data/p.csv")
        df = df.{call}
        """,
        source("data/p.csv", ["name", "sex"]),
    )
    assert ".drop(['name'])" in steps(plan)
    assert plan.columns == ["sex"]


def test_drop_of_row_labels_is_not_lifted_as_a_column_drop():
    with pytest.raises(Unsupported, match="DataFrame.drop"):
        lift(
            """
            import pandas as pd
            df = pd.read_csv("data/p.csv")
            df = df.drop("name")
            """,
            source("data/p.csv", ["name", "sex"]),
        )


def test_literal_loop_unrolled_and_column_aggregate_recomputed_where_used():
    plan = lift(
        """
        import pandas as pd
        df = pd.read_csv("data/p.csv")
        for col in ["a", "b"]:
            med = df.loc[df[col] > 0, col].median()
            df[col] = df[col].apply(lambda v: med if v == 0 else v)
        """,
        source("data/p.csv", ["a", "b"]),
    )
    body = steps(plan)
    assert "lambda a: a.apply(lambda v: a[a > 0].median() if v == 0 else v)" in body
    assert "lambda b: b.apply(lambda v: b[b > 0].median() if v == 0 else v)" in body


def test_parallel_lists_from_a_row_loop_become_columns_and_leave_no_step_behind():
    plan = lift(
        """
        import pandas as pd
        df = pd.read_csv("data/t.csv")
        hours = []
        for _, r in df.iterrows():
            hours.append(int(r["stamp"][11:13]))
        df["hour"] = hours
        df["rush"] = 0
        for i in df.index:
            if df.at[i, "hour"] in (7, 8):
                df.at[i, "rush"] = 1
        """,
        source("data/t.csv", ["stamp"]),
    )
    body = steps(plan)
    assert "rename({'hours': 'hour'})" in body
    assert ".select(['hours'])" not in body  # the list itself is not a step
    assert "lambda rush, hour: 1 if hour in (7, 8) else rush" in body
    assert plan.columns == ["stamp", "hour", "rush"]


def test_if_elif_ladder_in_a_row_loop_is_one_conditional_expression():
    plan = lift(
        """
        import csv
        rows = []
        with open("data/a.csv") as f:
            for age, income in csv.reader(f):
                if int(age) < 30:
                    band = "young"
                elif int(age) < 60:
                    band = "mid"
                else:
                    band = "old"
                if income == "":
                    income = "0"
                rows.append((band, income))
        """,
        source("data/a.csv", ["age", "income"], idiom="csv.reader", header=False),
    )
    body = steps(plan)
    assert "'young' if int(age) < 30 else 'mid' if int(age) < 60 else 'old'" in body
    assert "'0' if income == '' else income" in body
    assert "filter_by" not in body  # neither `if` drops rows


def test_json_lines_records_blank_lines_and_new_fields():
    plan = lift(
        """
        import json
        apps = []
        with open("data/a.jsonl") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                a = json.loads(line)
                if a["decision"] == "withdrawn":
                    continue
                a["words"] = len(a["text"].split())
                apps.append(a)
        """,
        source("data/a.jsonl", ["decision", "text"], idiom="json-lines"),
    )
    assert plan.sources[0].reader == "read_json"
    assert plan.sources[0].options == {"lines": True, **JSON_AS_LOADED}
    body = steps(plan)
    assert "filter_by(['decision'], lambda decision: not (decision == 'withdrawn'))" in body
    assert "project('words', ['text'], lambda text: len(text.split()))" in body
    assert plan.columns == ["decision", "text", "words"]


def test_seen_set_keeps_the_first_row_per_key():
    plan = lift(
        """
        import csv
        seen = set()
        records = []
        with open("data/h.psv") as fh:
            for row in csv.reader(fh, delimiter="|"):
                key = tuple(row)
                if key in seen:
                    continue
                seen.add(key)
                records.append(row)
        """,
        source("data/h.psv", ["0", "1"], idiom="csv.reader", header=False),
    )
    assert ".drop_duplicates(['0', '1'], keep='first')" in steps(plan)


def test_a_value_computed_outside_the_rows_is_refused_with_its_name():
    with pytest.raises(Unsupported, match=r"\['fill'\], computed outside the rows"):
        lift(
            """
            import csv
            rows = []
            fill = max(3, 4)
            with open("data/a.csv") as f:
                for row in csv.reader(f):
                    row[0] = row[0] or fill
                    rows.append(row)
            """,
            source("data/a.csv", ["x"], idiom="csv.reader", header=False),
        )


def test_list_comprehension_join_and_filter_are_loops():
    plan = lift(
        """
        import pandas as pd
        reviews = pd.read_csv("data/r.csv")
        products = pd.read_csv("data/p.csv")
        rev = reviews.to_dict("records")
        prod = products.to_dict("records")
        joined = [{**r, "brand": p["brand"]} for r in rev for p in prod if r["pid"] == p["id"]]
        joined = [j for j in joined if j["stars"] != 3]
        df = pd.DataFrame(joined)
        """,
        source("data/r.csv", ["pid", "stars"]),
        source("data/p.csv", ["id", "brand"]),
    )
    body = steps(plan)
    assert "r.join(p, left_on='pid', right_on='id')" in body
    assert "filter_by(['stars'], lambda stars: stars != 3)" in body
    assert plan.columns == ["pid", "stars", "brand"]


def test_column_aggregate_used_in_a_row_loop_is_a_column_of_the_frame():
    plan = lift(
        """
        import numpy as np
        import pandas as pd
        df = pd.read_csv("data/a.csv")
        known = [v for v in df["income"] if not pd.isna(v)]
        median_income = float(np.median(known))
        rows = []
        for _, row in df.iterrows():
            income = row["income"]
            if pd.isna(income):
                income = median_income
            rows.append(income)
        """,
        source("data/a.csv", ["income"]),
    )
    body = steps(plan)
    assert (
        "lambda income: pd.Series(float(np.median([v for v in income if not pd.isna(v)])), "
        "index=income.index), vectorized=True"
    ) in body
    assert "lambda median_income, income: median_income if pd.isna(income) else income" in body


def test_a_loop_over_partition_files_is_a_union_with_the_file_as_a_column():
    plan = lift(
        """
        import os
        seen = set()
        txs = []
        for fname in sorted(os.listdir("data/tx")):
            day = fname[:-4]
            for line in open(os.path.join("data/tx", fname)):
                tx_id, amount = line.rstrip("\\n").split("\\t")
                if tx_id in seen:
                    continue
                seen.add(tx_id)
                txs.append((tx_id, amount, day))
        """,
        source("data/tx/2024-03-02.tsv", ["0", "1"], idiom="unknown", header=False),
        source("data/tx/2024-03-01.tsv", ["0", "1"], idiom="unknown", header=False),
    )
    body = steps(plan)
    assert [s.name for s in plan.sources] == ["tx_2024_03_01", "tx_2024_03_02"]
    assert "tx_2024_03_01.project('fname', [], lambda: '2024-03-01.tsv')" in body
    assert "partitions = tx_2024_03_01_with_fname.union(tx_2024_03_02_with_fname)" in body
    assert "drop_duplicates(['0'], keep='first')" in body  # across all partitions
    assert plan.columns == ["0", "1", "day"]


def test_loop_over_a_frames_columns_with_a_conditional_assignment():
    plan = lift(
        """
        import pandas as pd
        df = pd.read_csv("data/s.csv")
        for col in df.columns:
            if set(df[col].unique()) <= {"yes", "no"}:
                df[col] = (df[col] == "yes").astype(int)
        df["edu"] = df[["m", "f"]].max(axis=1)
        """,
        source("data/s.csv", ["m", "f"]),
    )
    body = steps(plan)
    assert "lambda m: (m == 'yes').astype(int) if set(m.unique()) <= {'yes', 'no'} else m" in body
    assert "lambda m, f: pd.concat([m, f], axis=1).max(axis=1)" in body


def test_nested_loop_join_that_breaks_keeps_the_first_match():
    plan = lift(
        """
        users = []
        for line in open("data/u.csv"):
            uid, country = line.strip().split(",")
            users.append((uid, country))
        data = []
        for line in open("data/r.csv"):
            rid, uid2 = line.strip().split(",")
            for u in users:
                if u[0] == uid2:
                    data.append((rid, u[1]))
                    break
        """,
        source("data/u.csv", ["uid", "country"], idiom="open", header=False),
        source("data/r.csv", ["rid", "uid2"], idiom="open", header=False),
    )
    assert "r.join(u.drop_duplicates(['uid'], keep='first'), left_on='uid2'" in steps(plan)


def test_row_vector_with_a_one_hot_loop_and_a_missing_lookup():
    plan = lift(
        """
        labs = {}
        with open("data/l.csv") as f:
            for line in f:
                pid, value = line.strip().split(",")
                labs[pid] = float(value)
        KINDS = ["a", "b"]
        X = []
        with open("data/p.csv") as f:
            for line in f:
                pid, kind = line.strip().split(",")
                lab = labs.get(pid)
                missing = 1 if lab is None else 0
                row = [int(pid), missing]
                for k in KINDS:
                    row.append(1 if kind == k else 0)
                X.append(row)
        """,
        source("data/l.csv", ["pid", "value"], idiom="open", header=False),
        source("data/p.csv", ["pid", "kind"], idiom="open", header=False),
    )
    body = steps(plan)
    assert "lambda lab: 1 if pd.isna(lab) else 0" in body
    assert "pid_2" in plan.columns and "missing" in plan.columns and "kind" in plan.columns
    assert any("row vector" in t for t in plan.trail)


def test_per_key_counters_become_aggregates_and_inline_lookups_left_joins():
    plan = lift(
        """
        n, total = {}, {}
        for line in open("data/o.csv"):
            cid, amount, kind = line.strip().split(",")
            n[cid] = n.get(cid, 0) + 1
            if kind == "r":
                total[cid] = total.get(cid, 0.0) + float(amount)
        rows = []
        for line in open("data/c.csv"):
            cid, age = line.strip().split(",")
            rows.append((n.get(cid, 0), total[cid] / n[cid] if cid in total else 0.0))
        """,
        source("data/o.csv", ["cid", "amount", "kind"], idiom="open"),
        source("data/c.csv", ["cid", "age"], idiom="open"),
    )
    body = steps(plan)
    assert "n = o.aggregate(['cid'], n=('cid', 'size'))" in body
    assert "filter_by(['kind'], lambda kind: kind == 'r')" in body
    assert (
        "total = o_3.aggregate(['cid'], total=('amount_2', lambda values: reduce(add, values, 0.0)))"
        in body
    )
    assert plan.imports == ["from functools import reduce", "from operator import add"]
    assert body.count(".join(") == 3 and "how='inner'" not in body  # n.get(k, 0) and n[k] differ
    assert "lambda v: 0 if pd.isna(v) else v" in body
    assert "if pd.notna(" in body
    assert any("per-key counter" in t for t in plan.trail)
    assert any("inline lookup" in t for t in plan.trail)


def test_per_key_lists_reduced_per_group_and_joined_back():
    plan = lift(
        """
        import numpy as np
        rows = []
        for line in open("data/p.csv"):
            title, age = line.strip().split(",")
            rows.append({"title": title, "age": age})
        ages = {}
        for r in rows:
            if r["age"] != "":
                ages.setdefault(r["title"], []).append(float(r["age"]))
        median_age = {t: float(np.median(v)) for t, v in ages.items()}
        for r in rows:
            r["age"] = float(r["age"]) if r["age"] != "" else median_age[r["title"]]
        """,
        source("data/p.csv", ["title", "age"], idiom="open"),
    )
    body = steps(plan)
    assert "lambda values: float(np.median(list(values)))" in body
    assert ".join(median_age, on='title', how='left')" in body
    assert "else median_age_of_row" in body


def test_a_counter_updated_in_two_places_is_unsupported():
    with pytest.raises(Unsupported, match="more than one place"):
        lift(
            """
            n = {}
            for line in open("data/o.csv"):
                cid, amount = line.strip().split(",")
                n[cid] = n.get(cid, 0) + 1
                n[cid] = n.get(cid, 0) + 1
            """,
            source("data/o.csv", ["cid", "amount"], idiom="open"),
        )


def test_lines_read_whole_with_header_sliced_off_and_constructed_constants():
    plan = lift(
        """
        from datetime import date
        AS_OF = date(2024, 1, 1)
        LATER = date(2025, 1, 1)
        LATER = date(2026, 1, 1)
        lines = open("data/e.csv").read().splitlines()
        rows = []
        for l in lines[1:]:
            if l:
                hired, = l.split(",")
                rows.append((AS_OF - date.fromisoformat(hired)).days)
        """,
        source("data/e.csv", ["hired"], idiom="open"),
    )
    body = steps(plan)
    assert "lambda hired: (AS_OF - date.fromisoformat(hired)).days" in body
    assert "AS_OF = date(2024, 1, 1)" in plan.constants
    assert not any(c.startswith("LATER") for c in plan.constants)  # assigned twice: not constant


def test_a_helpers_vector_per_value_of_a_prepared_column_becomes_a_column():
    code = textwrap.dedent(
        """
        import numpy as np
        import pandas as pd
        def bag(text):
            return np.ones(4)
        df = pd.read_csv("data/r.csv")
        df = df[df["text"] != ""]
        T = np.vstack([bag(t) for t in df["text"]])
        """
    ).strip()
    plan = lift_prepare(code + "\n", [source("data/r.csv", ["text"])], [5, 6], [7])
    assert "project('t', ['text'], lambda t: bag(t))" in steps(plan)
    assert plan.columns == ["text", "t"]


def test_sorted_rows_and_a_loop_over_sorted_dict_keys_reading_its_own_rows():
    plan = lift(
        """
        sales = []
        for line in open("data/s.csv"):
            sid, hid, day = line.strip().split(",")
            sales.append((sid, hid, day))
        sales.sort(key=lambda s: (s[2], s[0]), reverse=True)
        latest = {}
        for s in sales:
            latest[s[1]] = s
        rows = []
        for hid in sorted(latest):
            sid, _, day = latest[hid]
            rows.append((hid, day))
        """,
        source("data/s.csv", ["sid", "hid", "day"], idiom="open"),
    )
    body = steps(plan)
    assert ".sort(['day', 'sid'], ascending=False)" in body
    assert "drop_duplicates(['hid'], keep='last')" in body
    assert "latest_2 = latest.sort(['hid'])" in body
    assert ".join(" not in body
    assert plan.columns == ["hid", "day"]


def test_unsorted_dict_iteration_is_unsupported():
    with pytest.raises(Unsupported, match="iterating a dict index"):
        lift(
            """
            latest = {}
            for line in open("data/s.csv"):
                sid, hid = line.strip().split(",")
                latest[hid] = sid
            rows = []
            for hid in latest:
                rows.append(latest[hid])
            """,
            source("data/s.csv", ["sid", "hid"], idiom="open"),
        )


@pytest.mark.parametrize(
    "op, order, keep",
    [(">", ", ascending=False", "first"), (">=", "", "last"), ("<", "", "first")],
)
def test_best_row_per_key_is_a_stable_sort_then_one_row_per_key(op: str, order: str, keep: str):
    plan = lift(
        f"""
        latest = {{}}
        for line in open("data/a.csv"):
            rec = dict(zip(["app", "day"], line.strip().split(",")))
            prev = latest.get(rec["app"])
            if prev is None or rec["day"] {op} prev["day"]:
                latest[rec["app"]] = rec
        rows = [latest[k] for k in sorted(latest)]
        apps = rows
        out = []
        for a in apps:
            out.append(a["day"])
        """,
        source("data/a.csv", ["app", "day"], idiom="open", header=False),
    )
    body = steps(plan)
    assert f".sort(['day']{order})" in body
    assert f".drop_duplicates(['app'], keep='{keep}')" in body
    assert "latest_2 = latest.sort(['app'])" in body
    assert plan.columns == ["day"]


def test_a_per_key_fold_and_a_lookup_inside_pandas_apply():
    plan = lift(
        """
        import json
        import pandas as pd
        subs = pd.read_csv("data/s.csv")
        texts = {}
        for line in open("data/t.jsonl"):
            t = json.loads(line)
            texts[t["sid"]] = (texts.get(t["sid"], "") + " " + t["text"]).strip()
        subs["all_text"] = subs["sid"].apply(lambda s: texts.get(s, ""))
        """,
        source("data/s.csv", ["sid", "plan"]),
        source("data/t.jsonl", ["sid", "text"], idiom="json-lines"),
    )
    body = steps(plan)
    assert (
        "texts = t.aggregate(['sid'], texts=('text', lambda values: "
        "reduce(lambda acc, text: (acc + ' ' + text).strip(), values, '')))" in body
    )
    assert "s.join(texts, on='sid', how='left')" in body
    assert "lambda v: '' if pd.isna(v) else v" in body
    assert plan.imports == ["from functools import reduce"]


def test_a_fold_over_two_row_values_is_unsupported():
    with pytest.raises(Unsupported, match="several row values"):
        lift(
            """
            best = {}
            for line in open("data/o.csv"):
                k, a, b = line.strip().split(",")
                best[k] = max(best.get(k, 0), int(a) * int(b))
            """,
            source("data/o.csv", ["k", "a", "b"], idiom="open"),
        )


def test_partitions_named_by_a_literal_list_records_by_key_lists_per_key_and_a_list_statistic():
    plan = lift(
        """
        import json
        import numpy as np
        people = []
        for port in ["C", "Q"]:
            with open(f"data/p_{port}.jsonl") as fh:
                for line in fh:
                    p = json.loads(line)
                    p["port"] = port
                    people.append(p)
        tickets = {}
        for line in open("data/t.csv"):
            ticket, fare = line.strip().split(",")
            tickets[ticket] = {"fare": float(fare) if fare else None}
        fares = {1: [], 2: []}
        for p in people:
            f = tickets[p["ticket"]]["fare"]
            if f is not None:
                fares[p["pclass"]].append(f)
        fare_median = {k: float(np.median(v)) for k, v in fares.items()}
        ages = [p["age"] for p in people if p["age"] is not None]
        age_mean = sum(ages) / len(ages)
        X = []
        for p in people:
            age = p["age"] if p["age"] is not None else age_mean
            X.append([age, fare_median[p["pclass"]]])
        """,
        source("data/p_C.jsonl", ["ticket", "pclass", "age"], idiom="json-lines"),
        source("data/p_Q.jsonl", ["ticket", "pclass", "age"], idiom="json-lines"),
        source("data/t.csv", ["ticket", "fare"], idiom="open"),
    )
    body = steps(plan)
    assert "p_c.project('port', [], lambda: 'C')" in body and ".union(" in body
    assert "t_2.select(['ticket', 'tickets_fare']).drop_duplicates(['ticket'], keep='last')" in body
    assert ".join(tickets, on='ticket', how='left')" in body
    assert "filter_by(['tickets_fare'], lambda f: not pd.isna(f))" in body
    assert "fare_median=('tickets_fare', lambda values: float(np.median(list(values))))" in body
    assert "lambda port: port" not in body
    assert "project('_all', [], lambda: 0).aggregate(['_all'], age_mean=" in body
    assert "lambda age, age_mean_of_row: age if not pd.isna(age) else age_mean_of_row" in body


def test_a_per_key_record_of_running_totals_is_one_aggregate_with_defaults_on_lookup():
    plan = lift(
        """
        EMPTY = {"calls": 0, "mb": 0.0, "last": None}
        usage = {}
        for line in open("data/e.csv"):
            cust, day, kind, amount = line.strip().split(",")
            u = usage.setdefault(cust, {"calls": 0, "mb": 0.0, "last": None})
            if kind == "call":
                u["calls"] += 1
            else:
                u["mb"] += float(amount)
            if u["last"] is None or day > u["last"]:
                u["last"] = day
        X = []
        for line in open("data/c.csv"):
            cust, plan = line.strip().split(",")
            u = usage.get(cust, EMPTY)
            X.append([u["calls"], u["mb"], u["last"] or "never"])
        """,
        source("data/e.csv", ["cust", "day", "kind", "amount"], idiom="open"),
        source("data/c.csv", ["cust", "plan"], idiom="open"),
    )
    body = steps(plan)
    assert "lambda kind: 1 if kind == 'call' else 0" in body
    assert "lambda amount, kind: float(amount) if not kind == 'call' else 0" in body
    assert (
        "usage = e_3.aggregate(['cust'], "
        "usage_calls=('usage_calls_step', lambda values: reduce(add, values, 0)), "
        "usage_mb=('usage_mb_step', lambda values: reduce(add, values, 0.0)), "
        "usage_last=('day', 'max'))" in body
    )
    assert "c.join(usage, on='cust', how='left')" in body
    assert "lambda v: None if pd.isna(v) else v" in body


def test_a_record_whose_rows_are_filtered_after_its_setdefault_is_unsupported():
    with pytest.raises(Unsupported, match="filtered after its setdefault"):
        lift(
            """
            usage = {}
            for line in open("data/e.csv"):
                cust, kind = line.strip().split(",")
                u = usage.setdefault(cust, {"calls": 0})
                if kind == "x":
                    continue
                u["calls"] += 1
            """,
            source("data/e.csv", ["cust", "kind"], idiom="open"),
        )


def test_a_list_record_per_tuple_key_read_back_in_a_custom_sorted_order():
    plan = lift(
        """
        daily = {}
        for line in open("data/m.csv"):
            bid, ts, kwh = line.strip().split(",")
            acc = daily.setdefault((bid, ts[:10]), [0.0, 0])
            acc[0] += float(kwh)
            acc[1] += 1
        rows = []
        for (bid, day), (total, n) in sorted(daily.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if n < 20:
                continue
            rows.append((day, total / n))
        """,
        source("data/m.csv", ["bid", "ts", "kwh"], idiom="open"),
    )
    body = steps(plan)
    assert "daily_1=('daily_key', 'size')" in body
    assert "daily_0=('daily_0_step', lambda values: reduce(add, values, 0.0))" in body
    assert ".project('day', ['daily_key'], lambda k: k[1])" in body
    assert ".sort(['day', 'bid'])" in body
    assert "filter_by(['daily_1'], lambda n: not (n < 20))" in body


def test_a_list_comprehension_join_read_as_first_match_or_default():
    plan = lift(
        """
        budgets = []
        for line in open("data/d.csv"):
            dept, amount = line.strip().split(",")
            budgets.append((dept, amount))
        X = []
        for line in open("data/e.csv"):
            emp, dept = line.strip().split(",")
            budget = [float(b) for d, b in budgets if d == dept]
            budget = budget[0] if budget else 0.0
            X.append([budget])
        """,
        source("data/d.csv", ["dept", "amount"], idiom="open"),
        source("data/e.csv", ["emp", "dept"], idiom="open"),
    )
    body = steps(plan)
    assert (
        "drop_duplicates(['dept'], keep='first').project('budget_found', [], lambda: True)" in body
    )
    assert ".join(budget_first, on='dept', how='left')" in body
    assert "budget_first_value if not pd.isna(budget_first_found) else 0.0" in body


def test_a_per_row_feature_vector_gives_one_column_per_computed_element():
    code = textwrap.dedent(
        """
        rows = []
        for line in open("data/r.csv"):
            tenure, body, verified = line.strip().split(",")
            rows.append({"tenure": int(tenure), "body": body, "verified": verified})
        extra = [[r["tenure"] / 10.0, r["verified"], len(r["body"]) / 100.0, 1.0] for r in rows]
        """
    ).strip()
    plan = lift_prepare(
        code + "\n",
        [source("data/r.csv", ["tenure", "body", "verified"], idiom="open")],
        [1, 2, 3, 4],
        [5],
    )
    body = steps(plan)
    assert "project('extra_0', ['tenure'], lambda tenure: tenure / 10.0)" in body
    assert "project('extra_2', ['body'], lambda body: len(body) / 100.0)" in body
    assert "extra_1" not in body and "extra_3" not in body


def test_a_lookup_defaulting_to_column_means_fills_misses_from_a_one_row_table():
    plan = lift(
        """
        import pandas as pd
        homes = pd.read_csv("data/h.csv")
        hoods = pd.read_csv("data/n.csv")
        stats = {}
        for _, h in hoods.iterrows():
            stats[h["zip"]] = (h["crime"], h["score"])
        avg = tuple(hoods[["crime", "score"]].mean())
        rows = []
        for _, row in homes.iterrows():
            crime, score = stats.get(row["zip"], avg)
            rows.append({"crime": crime, "score": score, "sqft": row["sqft"]})
        """,
        source("data/h.csv", ["zip", "sqft"]),
        source("data/n.csv", ["zip", "crime", "score"]),
    )
    body = steps(plan)
    assert (
        "avg = n.project('_all', [], lambda: 0).aggregate(['_all'], "
        "avg_crime=('crime', lambda s: s.mean()), avg_score=('score', lambda s: s.mean()))" in body
    )
    assert "project('crime', ['crime', 'avg_crime'], lambda v, d: d if pd.isna(v) else v" in body
    assert any("statistics as lookup default" in t for t in plan.trail)


def test_a_value_the_script_computed_apart_is_refused_by_name():
    with pytest.raises(Unsupported, match=r"uses the script's values \['counts'\]"):
        lift(
            """
            import pandas as pd
            df = pd.read_csv("data/p.csv")
            counts = df["city"].value_counts()
            df["city"] = df["city"].where(df["city"].map(counts) >= 20, "other")
            """,
            source("data/p.csv", ["city", "age"]),
        )


def test_a_record_field_read_with_get_into_a_temporary_is_a_row_function():
    plan = lift(
        """
        import json
        rows = []
        for line in open("data/r.jsonl"):
            r = json.loads(line)
            prep = r.get("prep")
            rows.append({"prep": float(prep) if prep not in (None, "") else None, "n": r["n"]})
        """,
        source("data/r.jsonl", ["prep", "n"], idiom="json-lines"),
    )
    body = steps(plan)
    assert "float(prep) if prep not in (None, '') else None" in body
    assert "r.get" not in body
