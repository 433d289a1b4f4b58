"""The LLM proposer through the real `ChatOpenAI` client against the scripted local server."""

from __future__ import annotations

import inspect
import time

import pytest
from lester.agents.llm.api_reference import api_reference
from lester.agents.llm.code import extract_code, split_parts
from lester.agents.llm.prompts import UNATTRIBUTED, render, template
from lester.agents.llm.proposer import NO_CODE, LLMConfig, LLMProposer
from lester.agents.proposals import STEP_PARTS, StepRequest, assemble

import lester
from tests.llm_server import Answer, Fail, LLMServer, Stall

STAGE_CODE = """\
y = []
for r in data:
    y.append(1 if r[5] > 0 else 0)
model = LogisticRegression(C=1.0, max_iter=1000)
model.fit(X, y)"""

LABEL_MODEL = """\
from sklearn.linear_model import LogisticRegression


@lt.label
def positive(data: pd.DataFrame) -> pd.Series:
    return (data["sentiment"] > 0).astype(int)


@lt.model
def model() -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=1000)"""

ANSWER = f"Here is the rewrite.\n\n```python\n# draft\nx = 1\n```\n\nFinal:\n```python\n{LABEL_MODEL}\n```\n"


def request(step: str = "label_model", **changes: object) -> StepRequest:
    fields = dict(
        step=step,
        script_name="messy.py",
        original_source="import numpy as np\n# ... the whole messy script ...\n" + STAGE_CODE,
        stage_code=STAGE_CODE,
        analysis_text="prepared columns: mail_id:int, sentiment:int (sample: 17, 2)",
        expected="y: 412 rows, values {0: 230, 1: 182}; estimator LogisticRegression(C=1.0, max_iter=1000)",
        parts={
            "preamble": "import pandas as pd\n\nimport lester as lt",
            "prepare": "@lt.prepare\ndef complaints(mails: lt.Frame) -> lt.Frame:\n    return mails",
            "label": "# an older label",
        },
    )
    fields.update(changes)
    return StepRequest(**fields)


def proposer(server: LLMServer, **options: object) -> LLMProposer:
    config = dict(
        model="scripted-model", base_url=server.base_url, api_key="test-key", timeout=10.0
    )
    config.update(options)
    return LLMProposer(LLMConfig(**config))


def test_a_proposal_holds_the_last_code_block_split_by_stage_and_the_reported_tokens(llm_server):
    llm_server.script([Answer(ANSWER, prompt_tokens=1234, completion_tokens=56)])
    proposal = proposer(llm_server).propose(request())

    assert proposal.ok, proposal.error
    assert proposal.proposer == "llm:scripted-model"
    # imports, constants and helpers go to the preamble, which outlives any one step's parts
    assert proposal.parts["preamble"] == "from sklearn.linear_model import LogisticRegression"
    assert proposal.parts["label"].startswith("@lt.label\ndef positive(")
    assert proposal.parts["model"].startswith("@lt.model\ndef model()")
    assert "x = 1" not in assemble(proposal.parts, "t")
    assert (proposal.calls, proposal.prompt_tokens, proposal.completion_tokens) == (1, 1234, 56)
    assert proposal.answer == ANSWER
    sent = llm_server.requests[0].body
    assert sent["model"] == "scripted-model" and sent["temperature"] == 0
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert all(m["content"] in proposal.prompt for m in sent["messages"])


def test_the_prompt_carries_the_stage_code_analysis_expectations_context_and_api_reference(
    llm_server,
):
    llm_server.script([ANSWER])
    proposal = proposer(llm_server).propose(request())

    text = llm_server.requests[0].text
    for expected in (
        STAGE_CODE,
        "prepared columns: mail_id:int, sentiment:int",
        "y: 412 rows, values {0: 230, 1: 182}",
        "def complaints(mails: lt.Frame)",  # the other steps' parts, for context
        "lt.read_csv(path:",
        "Frame.join(other: Frame",
        "Frame.project(target: str",
    ):
        assert expected in text
    assert "# an older label" not in text  # the step's own parts are not context
    assert "Repair" not in text
    assert text in proposal.prompt.replace("[system]\n", "").replace("\n\n[user]\n", "\n")


def test_a_repair_prompt_carries_the_previous_candidate_and_the_diagnosis(llm_server):
    llm_server.script([ANSWER])
    diagnosis = "label: y differs in 17 of 412 rows, e.g. row 3: expected 1, got 0"
    repair = request(
        previous="@lt.label\ndef wrong(data):\n    return data['x']", diagnosis=diagnosis, attempt=2
    )
    proposal = proposer(llm_server).propose(repair)

    text = llm_server.requests[0].text
    assert diagnosis in text
    assert "def wrong(data):" in text
    assert "Repair (attempt 2)" in text
    assert STAGE_CODE in text
    assert proposal.ok


def test_a_rate_limit_is_retried_and_every_request_is_counted(llm_server):
    llm_server.script([Fail(429), Answer(ANSWER, prompt_tokens=10, completion_tokens=5)])
    proposal = proposer(llm_server, max_retries=2).propose(request())

    assert proposal.ok, proposal.error
    assert proposal.calls == 2 == len(llm_server.requests)
    assert (proposal.prompt_tokens, proposal.completion_tokens) == (10, 5)


def test_a_persistent_server_error_is_a_proposal_error_naming_the_status(llm_server):
    llm_server.script([Fail(500, "the GPU caught fire")] * 2)
    proposal = proposer(llm_server, max_retries=1).propose(request())

    assert not proposal.ok and proposal.parts == {}
    assert "HTTP 500" in proposal.error and "the GPU caught fire" in proposal.error
    assert "2 attempts" in proposal.error
    assert proposal.calls == 2 == len(llm_server.requests)
    assert proposal.prompt  # kept for the trace even without an answer


def test_a_rate_limit_that_persists_names_429(llm_server):
    llm_server.script([Fail(429)] * 3)
    proposal = proposer(llm_server, max_retries=2).propose(request())

    assert "HTTP 429 Too Many Requests" in proposal.error
    assert proposal.calls == 3


def test_an_answer_without_code_is_an_error_but_its_tokens_count(llm_server):
    llm_server.script(
        [Answer("I am sorry, I cannot rewrite this.", prompt_tokens=300, completion_tokens=9)]
    )
    proposal = proposer(llm_server).propose(request())

    assert proposal.error == NO_CODE
    assert proposal.parts == {}
    assert (proposal.calls, proposal.prompt_tokens, proposal.completion_tokens) == (1, 300, 9)


def test_an_answer_cut_off_at_the_token_limit_says_so(llm_server):
    llm_server.script(
        [Answer("```python\nimport lester as lt\n\n@lt.model\ndef m", finish_reason="length")]
    )
    proposal = proposer(llm_server).propose(request())

    assert proposal.error.startswith(NO_CODE) and "cut off" in proposal.error


def test_a_slow_answer_beyond_the_timeout_is_a_timeout_error(llm_server):
    llm_server.script([Stall(30, Answer(ANSWER))])
    started = time.monotonic()
    proposal = proposer(llm_server, timeout=0.5, max_retries=0).propose(request())

    assert time.monotonic() - started < 5
    assert proposal.error.startswith("timeout") and "0.5 s" in proposal.error
    assert proposal.calls == 1


def test_without_a_key_or_local_endpoint_nothing_is_sent(monkeypatch):
    monkeypatch.delenv("LESTER_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    proposal = LLMProposer(LLMConfig(model="gpt-x")).propose(request())

    assert "no API key" in proposal.error and proposal.calls == 0


def test_a_local_endpoint_needs_no_key(llm_server, monkeypatch):
    monkeypatch.delenv("LESTER_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    llm_server.script([ANSWER])
    proposal = proposer(llm_server, api_key=None).propose(request())

    assert proposal.ok, proposal.error


def test_the_configuration_comes_from_the_environment(monkeypatch):
    for name in ("LESTER_MODEL", "LESTER_BASE_URL", "OPENAI_BASE_URL", "LESTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    assert LLMConfig.from_env() is None  # a key alone does not turn the model on

    monkeypatch.setenv("LESTER_MODEL", "qwen2.5-coder")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("LESTER_LLM_TIMEOUT", "7.5")
    config = LLMConfig.from_env()
    assert (config.model, config.base_url, config.api_key, config.timeout) == (
        "qwen2.5-coder",
        "http://127.0.0.1:8000/v1",
        "sk-openai",
        7.5,
    )
    assert "sk-openai" not in repr(config)

    monkeypatch.setenv("LESTER_API_KEY", "sk-lester")
    monkeypatch.setenv("LESTER_BASE_URL", "http://127.0.0.1:9000/v1")
    config = LLMConfig.from_env("other-model")
    assert (config.model, config.base_url, config.api_key) == (
        "other-model",
        "http://127.0.0.1:9000/v1",
        "sk-lester",
    )


def test_the_api_reference_lists_the_api_with_docstrings():
    reference = api_reference()
    for entry, obj in (
        ("lt.read_csv(", lester.read_csv),
        ("Frame.join(", lester.Frame.join),
        ("Frame.project(", lester.Frame.project),
        ("Frame.filter(", lester.Frame.filter),
    ):
        assert entry in reference
        assert inspect.getdoc(obj).splitlines()[0] in reference
    assert "@lt.source" in reference and "@lt.encode" in reference
    assert "'PathLike" not in reference  # annotations unquoted
    assert "_require" not in reference  # private methods stay out


@pytest.mark.parametrize("step", list(STEP_PARTS))
def test_every_step_renders_with_and_without_repair(step):
    first = render(request(step))
    again = render(request(step, previous="x = 1", diagnosis="wrong rows"))

    assert first.system == again.system and "Frame.join(" in first.system
    assert STAGE_CODE in first.user and "wrong rows" not in first.user
    assert "wrong rows" in again.user and "$" not in first.user.replace("$$", "")
    # a later step's lines may already be computed by the preparation, which runs first
    assert ("is read from it, not computed again" in first.user) == (
        step in ("encode", "label_model")
    )


def test_code_extraction():
    assert extract_code("```python\na = 1\n```\ntext\n```py\nb = 2\n```") == "b = 2"
    assert extract_code("```\nc = 3\n```") == "c = 3"
    assert extract_code("def f():\n    return 1\n") == "def f():\n    return 1"
    assert extract_code("```python\ndef broken(:\n```") == "def broken(:"  # checks report it
    for prose in ("Sorry", "I cannot do that.", "", "```text\nno code here\n```"):
        assert extract_code(prose) is None


def test_sources_code_splits_into_preamble_and_sources_and_foreign_stages_are_dropped():
    code = (
        "import lester as lt\n\nTARGETS = ['DE']\n\n\n"
        "# customers without header\n@lt.source\ndef customers(data_dir: str) -> lt.Frame:\n"
        "    return lt.read_csv(f'{data_dir}/data/customers.csv', header=None)\n\n\n"
        "def helper(x):\n    return x\n\n\n"
        "@lt.model\ndef model():\n    return None\n"
    )
    parts, notes = split_parts(code, "sources")

    assert (
        parts["preamble"]
        == "import lester as lt\n\nTARGETS = ['DE']\n\n\ndef helper(x):\n    return x"
    )
    assert parts["sources"].startswith("# customers without header\n@lt.source\ndef customers")
    assert notes == [
        "dropped @lt.model function 'model': the label_model step owns it, and the diagnosis "
        "does not put the fault there"
    ]
    carried, none = split_parts(code, "sources", may_change=["label_model"])
    assert carried["model"].startswith("@lt.model") and none == []
    assert split_parts("def broken(:", "encode") == (
        {"split": "def broken(:", "encode": "", "derive": ""},
        [],
    )


def test_a_step_without_attributed_lines_is_told_so_and_sent_to_the_whole_script(llm_server):
    llm_server.script([ANSWER])
    proposer(llm_server).propose(request(stage_code=""))

    text = " ".join(llm_server.requests[0].text.split())
    assert "The analysis attributed no lines of the original to this step" in text
    assert "Take what the step does from the whole script at the end" in text
    assert "traced back through the script's statements and the functions and methods" in text
    assert UNATTRIBUTED[request().step] in text
    assert "The original's lines of this step" not in text
    assert "The whole original script, for reference only" in text


def test_the_api_reference_and_the_api_check_know_the_frames_mixed_in_operations():
    from lester.abstraction.column_ops import ColumnOps
    from lester.agents.oracle.api_use import frame_methods

    mixed_in = [n for n, m in vars(ColumnOps).items() if not n.startswith("_") and callable(m)]
    assert mixed_in
    for name in mixed_in:
        assert f"Frame.{name}(" in api_reference()
        assert name in frame_methods()


def test_the_rules_say_which_definitions_a_step_writes_and_which_lines_it_leaves_out():
    system = " ".join(render(request("prepare")).system.split())
    assert (  # round 28's scrabble notes: helpers shown with the encoder, used by the preparation
        "helpers, classes), shown with this step (among its lines or its definitions) or with "
        "another, need not be written again" in system
    )
    assert "a closure over its enclosing function's values, which stays inside" in system
    assert "your code uses, with the definitions they use in turn" in system  # round 27, decai
    # round 31's ferry notes: "writes the helpers the module does not define yet" read as a duty
    assert (
        "write one only to change it. A step writes the imports, constants and helpers of its own"
        in system
    )
    assert "does not define yet" not in system
    # round 32 and 33's museum notes: the seed passed to the one instance's constructor
    assert "a literal the script passes to the constructor of a class's one instance" in system
    assert "Lines of the original whose values never reach the final fit" in system
    assert "a `fillna` over several columns is one `fill_na`" in system


def test_the_rules_say_how_to_count_whole_array_changes_and_where_names_and_lambdas_come_from():
    system = " ".join(render(request("prepare")).system.split())
    assert "a scaler's `fit_transform` of every slot) is one per column it changes" in system
    # round 44's iotdb notes: whether a check counts the projects, and a scaler per column
    assert "This is the layout asked for, which no check counts" in system
    assert "MinMaxScaler 0.0" in system and "may be a `project` per column" in system
    # round 46's fraud_partitions and relay notes: the joined columns' place, dummies' names
    assert "The result has the left's columns, then the right's without its keys" in system
    assert 'prefix="pool")` of the column alone gives the same names' in system
    # round 45's scrabble note: fixed categories for one column of several
    assert "columns of which only some have fixed categories get a `OneHotEncoder` each" in system
    # round 31 to 34's relay and scrabble notes: one apply(axis=1) rewriting several columns
    assert (
        "An `apply(..., axis=1)` whose function returns the whole row, several columns changed, "
        "is one `apply_rows_by_group(make, key=None)` with no `target`" in system
    )
    assert "changed only where the round trip changes it" in system
    assert "the names the original's own lists and keys give them" in system
    assert "are never pickled, and a lambda there is fine" in system


def test_the_reference_says_what_a_filter_function_returns_and_what_rowwise_false_implies():
    """Round 26's taxi and bank notes: whether a filter may return a pandas Series, whether
    `vectorized=True` goes with `rowwise=False`, where hand-built one-hots a scaler transforms go."""
    reference = " ".join(api_reference().split())
    assert "returns a boolean mask, one per row (a bool Series or NumPy array)" in reference
    assert "`rowwise=False` implies `vectorized=True`" in reference
    assert (
        "transforms the hand-built columns afterwards (a scaler over the whole array)" in reference
    )
    assert "computed from one do, in one step or in two steps that take it" in reference


def test_the_rules_keep_the_originals_written_numbers_as_constants():
    """Round 28's iotdb notes: whether the slot widths its code writes count as data values."""
    system = " ".join(render(request("prepare")).system.split())
    assert (
        "numbers its code writes (slot offsets and widths, cut points) are its constants" in system
    )


def test_the_originals_other_definitions_are_named_as_copied_and_a_rewrite_replaces_a_copy():
    """Round 29's scrabble notes: a helper shown with the encoder, defined inside a loop, read
    to the preparation's model as one it might have to write again."""
    copied = "`winner` (line 11), `tidy` (among these lines)"
    user = " ".join(render(request("prepare", copied=copied)).user.split())
    assert (
        f"The original's other definitions that its steps use, which the agent copies the same way: {copied}."
        in user
    )
    assert "other definitions that its steps use" not in render(request("prepare")).user
    # round 30: the models wrote the original's constants and helpers again, fearing a duplicate
    shown = " ".join(render(request("prepare", definitions="X = 1")).user.split())
    assert (
        "so you need not write them; one your answer defines under the same name is used instead, never both"
        in shown
    )
    # round 46's iotdb note: the user message said the API was below it
    prepare = " ".join(render(request("prepare")).user.split())
    assert "all those the API reference in the system message lists" in prepare
    # round 46's beehive notes: whether an import the listed definitions lack is copied too
    # (it is: tests/agents/test_preamble.py copies `import numpy as np` for a candidate's `np`)
    assert "each of the original's definitions your code uses without defining it, listed" in shown
    assert "here or not (its imports too)" in shown
    # round 32's relay and round 29's ferry notes: a stage function named like a copied list
    assert "(a function `features` would hide a list `features`)" in shown


def test_what_a_first_answer_may_carry_stands_beside_the_lifted_steps():
    """Round 29's fraud-velocity notes: the permission to rewrite the lifted preparation came
    at the very end of a long prompt, and the model computed running values in the encoder;
    round 33's found it late still, after the module's code."""
    parts = {"prepare": "@lt.prepare\ndef rows(tx: lt.Frame) -> lt.Frame:\n    return tx"}
    first = request("encode", parts=parts, may_change=["prepare"], lifter_note="no rule")
    user = " ".join(render(first).user.split())
    carry = user.index("The lifter wrote the prepare step (@lt.step, @lt.prepare), shown below")
    # round 33: still read late after the module's code; now ahead of the original's lines
    assert carry < user.index("The original's lines of this step") < user.index("def rows(tx")
    assert "your answer carries those functions too, rewritten, beside this step's own" in user
    # round 39: the model could not tell whether the lifted preparation held the running values
    assert "a loop's running value among them, is not there" in user
    # round 41: the attribution of running-value lines to the encoder read as a contradiction
    assert "those that keep a running value per key" in user
    # round 44: the names of the columns a rewritten preparation adds for unnamed values
    assert "as you choose where it has none (a value it computes inside a list" in user
    # round 43: the module's steps, "do not repeat them", read as the preparation being fixed
    assert "do not repeat them, but for those of the prepare step (@lt.step, @lt.prepare)" in user
    alone = request("encode", parts=parts, lifter_note="no rule")
    assert "those that keep a running value per key" not in render(alone).user
    assert "(already in the module; do not repeat them):" in render(alone).user
    repair = request("encode", parts=parts, may_change=["prepare"], diagnosis="wrong X")
    assert "The lifter wrote" not in render(repair).user
    # round 57: the step line itself names what the answer may rewrite, not only the body
    step = "Step: extract the feature encoding (and the train/test split) of `messy.py`"
    assert user.startswith(
        f"{step}, and, where it needs a value they lack, the prepare step (@lt.step, "
        "@lt.prepare) the lifter wrote."
    )
    assert render(alone).user.startswith(f"{step}.")
    assert render(repair).user.startswith(f"{step}.")


def test_the_encode_prompt_says_the_encoder_sees_the_label_column_as_the_runner_gives_it():
    """Round 29's iotdb notes: whether the frame handed to the encoder holds the label `y`."""
    import numpy as np
    import pandas as pd
    from lester.abstraction.features import fit_transform_all
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import StandardScaler

    user = " ".join(render(request("encode")).user.split())
    assert "it is given every prepared column, the label's too, so a `remainder`" in user
    data = pd.DataFrame({"age": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
    encoder = ColumnTransformer([("age", StandardScaler(), ["age"])], remainder="passthrough")
    _, X = fit_transform_all(encoder, data, np.arange(3), np.array([0, 1, 0]))
    assert X.shape == (3, 2) and list(X[:, 1]) == [0.0, 1.0, 0.0]  # the label passed through


def test_the_sources_prompt_says_data_dir_is_the_scripts_folder():
    """Round 42's model read the pattern example `{data_dir}/tx/*.tsv` against the analysis'
    `data/tx/...` and could not tell which folder `data_dir` is."""
    text = " ".join(template("sources").template.split())
    assert "`data_dir` is the folder the script is in" in text
    assert '(`data/train.csv`: `f"{data_dir}/data/train.csv"`)' in text


def test_a_listed_folder_is_offered_as_a_pattern_source_that_the_reference_documents():
    """Every round's fraud_partitions model named the folder's seven files, noting that a file
    added later would be missed: a pattern lists the folder each time the source runs."""
    text = template("sources").template
    assert 'lt.read_csv(f"{data_dir}/data/tx/*.tsv")` for `data/tx/`' in text
    assert 'file_column="file"' in text and "sorted(os.listdir(...))" in text
    # round 50 c2: a date-named partition's source name, and what the file column holds
    flat = " ".join(text.split())
    assert "or after their folder where their names share only a pattern such as a date" in flat
    assert "file name without its folder (`2024-03-01.tsv`" in flat
    reference = api_reference()
    assert "file_column" in reference and "sorted(glob.glob(pattern))" in reference


def test_a_failure_only_other_data_would_meet_is_not_asked_for():
    """Round 36's iotdb note: the balancing `while` never ends without rows of one class, and the
    prompt did not say whether the rewrite must do the same."""
    rule = " ".join(template("system").template.split())
    assert "Behaviour the original shows only on other data than the analysis shows" in rule
    assert "need not be reproduced nor guarded against; say in the docstring what the" in rule
    assert "more distinct values than the slots it reserves for them" in rule  # round 42 iotdb


def test_flag_slots_are_named_and_an_unchanged_preparation_returns_its_source():
    """Round 38's notes: iotdb's `default == 'yes'` slots had no naming rule, and otto's model
    wrote identity steps because nothing said a preparation may return its source."""
    from lester.agents.oracle.form import check_form
    from lester.agents.requests import SLOT_NAMES

    assert "a slot that flags one value of a column" in SLOT_NAMES and "`default_yes`" in SLOT_NAMES
    text = " ".join(template("prepare").template.split())
    assert "the `@lt.prepare` function returns its source as it stands (`return train`)" in text
    module = (
        "import lester as lt\n\n@lt.source\ndef train(data_dir: str):\n"
        "    return lt.read_csv(f'{data_dir}/train.csv')\n\n@lt.prepare\ndef p(train):\n"
        "    return train\n"
    )
    assert [p for p in check_form(module) if "missing stage" not in p] == []


def test_the_rules_say_rewriting_row_loops_as_frame_operations_is_the_task():
    """Round 39's iotdb answers called replacing the original's `while` balancing loop by the
    tested row-repeating idiom a workaround; it is the rewrite itself."""
    rule = " ".join(template("system").template.split())
    assert "as frame operations is the rewrite itself, not a way around this rule" in rule
    assert "a helper of the original that loops over rows is rewritten in the steps" in rule


def test_where_a_conversion_is_computed_and_a_loop_s_parts_as_columns_are_settled():
    """Round 49's churn notes: the model could not tell whether a one-hot built in the
    preparation rather than the encoder gives the same X, and took its columns of a running
    sum's parts for a device around the rules; `take_rows` is named where `while` is refused."""
    rule = " ".join(template("system").template.split())
    assert "X and y are compared by their values, so where a value is computed does not" in rule
    assert "are the loop written as columns, not a device around it" in rule
    assert "`take_rows` (rows repeated, cycled or shuffled by position)" in rule
    assert "may replace its column or go to a new one" in rule  # round 50 a1 iotdb
