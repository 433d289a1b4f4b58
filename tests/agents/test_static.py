"""Static facts from a script's syntax tree: read idioms, split, stage lines, non-determinism."""

import ast
import textwrap

from lester.agents.oracle import slicing, static

SCRIPT = textwrap.dedent(
    """
    import csv
    import random
    import numpy as np
    from sklearn.model_selection import train_test_split
    from sklearn.linear_model import LogisticRegression

    THRESHOLD = 30
    rows = []
    with open("data/people.csv") as f:
        for line in f:
            pid, age, city = line.strip().split(";")
            rows.append((int(age), city))
    with open("data/visits.csv") as f:
        reader = csv.reader(f, delimiter="|")
        next(reader)
        for vid, pid in reader:
            pass
    ages = np.array([r[0] for r in rows])
    X = ages.reshape(-1, 1)
    y = np.array([1 if r[0] > THRESHOLD else 0 for r in rows])
    print(int(y.sum()), X.shape)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=1)
    noise = random.random()
    model = LogisticRegression(C=0.5)
    model.fit(X_tr, y_tr)
    """
)
TREE = static.parse(SCRIPT)
FIT_LINE = next(i for i, line in enumerate(SCRIPT.splitlines(), 1) if ".fit(" in line)


def test_open_split_names_the_fields_and_the_delimiter():
    (site,) = static.read_sites(TREE, "data/people.csv")
    assert (site.idiom, site.delimiter, site.names, site.header) == (
        "open",
        ";",
        ["pid", "age", "city"],
        False,
    )


def test_a_file_opened_in_a_loop_header_names_its_fields_as_the_loop_unpacks_them():
    tree = static.parse(
        "for line in open('data/orders.csv'):\n"
        "    oid, total = line.rstrip('\\n').split('|')\n"
        "for i, line in enumerate(open('data/items.csv')):\n"
        "    sku, qty = line.split(',')\n"
        "for line in open('data/log.jsonl'):\n"
        "    row = json.loads(line)\n"
    )
    (orders,) = static.read_sites(tree, "data/orders.csv")
    assert (orders.idiom, orders.delimiter, orders.names, orders.header) == (
        "open",
        "|",
        ["oid", "total"],
        False,
    )
    assert orders.options == {"quoting": 3}  # `split` keeps quotes as text
    (items,) = static.read_sites(tree, "data/items.csv")
    assert (items.names, items.header) == (["sku", "qty"], None)  # enumerate may skip a header
    (log,) = static.read_sites(tree, "data/log.jsonl")
    assert log.idiom == "json-lines" and log.names is None


def test_partitions_opened_by_a_path_the_script_computes_are_read_at_its_one_such_read():
    """fraud_partitions joins a folder's name with each listed file name: no constant names the
    file, and the partitions' fields had been '0'..'5' at an unknown line (round 18)."""
    source = (
        "import os\n"
        "log = open(os.path.join(OUT, 'log.txt'), 'w')\n"
        "for name in sorted(os.listdir(TX_DIR)):\n"
        "    for line in open(os.path.join(TX_DIR, name)):\n"
        "        tx_id, amount = line.rstrip('\\n').split('\\t')\n"
    )
    (site,) = static.read_sites(static.parse(source), "data/tx/2024-03-01.tsv")
    assert (site.line, site.idiom, site.names) == (4, "open", ["tx_id", "amount"])
    twice = source + "extra = open(os.path.join(TX_DIR, 'x'))\n"
    assert static.read_sites(static.parse(twice), "data/tx/2024-03-01.tsv") == []  # ambiguous


def test_a_csv_reader_iterated_directly_names_its_fields_as_the_loop_unpacks_them():
    """churn_usage's `for cust, day, kind, amount in csv.reader(f)`: fields '0'..'3' before."""
    tree = static.parse(
        "with open('data/events.csv') as f:\n"
        "    for cust, day, amount in csv.reader(f):\n"
        "        pass\n"
    )
    (site,) = static.read_sites(tree, "data/events.csv")
    assert (site.idiom, site.names, site.header) == ("csv.reader", ["cust", "day", "amount"], False)


def test_csv_reader_with_header_skip_and_tuple_loop():
    (site,) = static.read_sites(TREE, "data/visits.csv")
    assert (site.idiom, site.delimiter, site.header, site.names) == (
        "csv.reader",
        "|",
        True,
        ["vid", "pid"],
    )


def test_stage_lines_follow_data_dependencies_back_from_fit():
    stages = slicing.stage_lines(TREE, FIT_LINE)
    lines = SCRIPT.splitlines()
    text = {k: "\n".join(lines[n - 1] for n in v) for k, v in stages.items()}
    assert "rows.append" in text["data_preparation"]
    assert "ages = np.array" in text["features"] and "reshape" in text["features"]
    assert "THRESHOLD else 0" in text["label"] and "ages" not in text["label"]
    assert "LogisticRegression(C=0.5)" in text["model"]
    assert "print" not in " ".join(text.values())
    assert "random.random" not in " ".join(text.values())


def test_unseeded_randomness_is_flagged_and_constants_are_hints():
    assert any("random.random" in flag for flag in static.nondeterminism(TREE))
    assert static.constants(TREE)["THRESHOLD"] == 30


def test_appending_to_a_dicts_list_mutates_the_dict():
    from lester.agents.oracle import static

    tree = static.parse("fares = {1: []}\nfor p in ps:\n    fares[p[0]].append(p[1])\n")
    assert "fares" in static.mutated(tree.body[1])


def test_a_column_transformer_in_a_pipeline_is_feature_encoding_not_the_model():
    source = (
        "pre = ColumnTransformer([('num', StandardScaler(), ['a'])])\n"
        "model = Pipeline([('pre', pre), ('clf', LogisticRegression())])\n"
        "model.fit(df, y)\n"
    )
    stages = slicing.stage_lines(static.parse(source), 3)
    assert 1 in stages["features"] and 1 not in stages["model"]
    assert stages["model"] == [2, 3]


def test_stage_lines_open_up_a_loop_holding_several_stages():
    source = (
        "import pandas as pd\n"
        "for seed in [42]:\n"
        "    df = pd.read_csv('d.csv')\n"
        "    df = df[df.a > 0]\n"
        "    X = df[['a', 'b']].values\n"
        "    y = df['t'].values\n"
        "    m = LogisticRegression()\n"
        "    m.fit(X, y)\n"
    )
    tree = static.parse(source)
    stages = slicing.stage_lines(tree, 8)
    assert stages["data_preparation"] == [2, 3, 4]
    assert (stages["features"], stages["label"], stages["model"]) == ([5], [6], [2, 7, 8])
    whole = slicing.stage_lines(tree, 8, nested=False)  # what the lifter interprets: whole loops
    assert whole["data_preparation"] == list(range(2, 9))


def test_an_in_place_update_through_the_loop_variable_belongs_to_the_collection():
    source = (
        "rows = [[1, 2], [3, 4]]\n"
        "for r in rows:\n"
        "    r[0] = r[0] * 2\n"
        "X = [r[:1] for r in rows]\n"
        "y = [r[1] for r in rows]\n"
        "m.fit(X, y)\n"
    )
    stages = slicing.stage_lines(static.parse(source), 6)
    assert stages["data_preparation"] == [1, 2, 3]


def test_functions_of_module_blocks_that_read_nothing_the_block_binds():
    tree = ast.parse(
        textwrap.dedent(
            """
            def top(x):
                return x
            with open("f") as handle:
                def first(row):
                    return row[0]
            for i in range(3):
                part = i * 2
                def pair(row):
                    return first(row), top(row)
                def shifted(row):
                    return row + part
                def uses_shifted(row):
                    return shifted(row)
                def twice(row):
                    return row
                def twice(row):
                    return row * 2
            """
        )
    )
    assert [f.name for f in static.module_functions(tree)] == ["top", "first", "pair"]


def test_partitions_read_by_a_helper_are_sited_at_the_call_given_their_pattern():
    tree = static.parse(
        "def load_all(pattern):\n"
        "    return [open(p).read() for p in glob.glob(pattern)]\n"
        "apps = load_all('data/apps/q*.csv')\n"
    )
    (site,) = static.read_sites(tree, "data/apps/q1.csv")
    assert (site.line, site.idiom) == (3, "unknown")
    (other,) = static.read_sites(tree, "data/other/q1.csv")  # not the pattern's: read where
    assert (other.line, other.idiom) == (2, "open")  # the one computed path is opened
