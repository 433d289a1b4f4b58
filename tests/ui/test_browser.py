"""`lester ui` end to end: the real server over a real trace store, driven in headless Chromium."""

from __future__ import annotations

import re

import pytest
from lester.agents.trace_view import load_state
from lester.agents.traces import TraceStore

from tests.ui.conftest import SCRIPT_TAG, Store, shoot

pytestmark = [pytest.mark.docker, pytest.mark.e2e]
FORK_TIMEOUT = 120_000  # ms: a fork verifies in the sandbox


def _index(store: Store, run_id: str, node: str, nth: int = 0) -> int:
    """The history index of the `nth` execution of `node` in a stored run."""
    history = load_state(store.traces, run_id)["history"]
    return [i for i, record in enumerate(history) if record["node"] == node][nth]


def _open_record(page, url: str, run_id: str, index: int):
    """Open a run page at a record; its details load on demand. Returns the record's element."""
    page.goto(f"{url}/runs/{run_id}#rec-{index}")
    record = page.locator(f"#rec-{index}")
    record.locator(".record-detail").wait_for()
    return record


def _run_ids(page) -> list[str]:
    return page.locator("tr.run").evaluate_all("rows => rows.map(r => r.dataset.run)")


def test_runs_list_shows_runs_and_searches_and_sorts(page, ui_url: str, ui_store: Store):
    page.goto(ui_url + "/")
    ids = _run_ids(page)
    for run in (ui_store.example, ui_store.clinic_offline, ui_store.clinic_llm, ui_store.scripted):
        assert run in ids
    row = page.locator(f'tr.run[data-run="{ui_store.clinic_llm}"]')
    assert "scripted" in row.inner_text() and "verified (exact)" in row.inner_text()
    assert "2,100" in row.inner_text()  # tokens of the two scripted answers
    shoot(page, "runs-list")

    page.get_by_label("search runs").fill("clinic")
    page.get_by_label("search runs").press("Enter")
    page.wait_for_url(re.compile(r"q=clinic"))
    assert sorted(_run_ids(page)) == sorted([ui_store.clinic_offline, ui_store.clinic_llm])

    page.goto(ui_url + "/")
    page.locator('th a[data-sort="tokens"]').click()
    page.wait_for_url(re.compile(r"sort=tokens&order=desc"))
    assert _run_ids(page)[0] == ui_store.clinic_llm
    page.locator('th a[data-sort="tokens"]').click()
    page.wait_for_url(re.compile(r"sort=tokens&order=asc"))
    assert _run_ids(page)[-1] == ui_store.clinic_llm


def test_run_page_shows_graph_timeline_diff_and_equivalence(page, ui_url: str, ui_store: Store):
    run = ui_store.clinic_llm
    repair = _index(ui_store, run, "prepare", nth=1)
    record = _open_record(page, ui_url, run, repair)
    assert page.locator("svg.graph g.node").count() == 9
    assert "ok" in page.locator('svg.graph g[data-node="verify"]').get_attribute("class")
    history = load_state(ui_store.traces, run)["history"]
    assert page.locator("details.record").count() == len(history)
    detail = record.locator(".record-detail")
    assert "llm:scripted" in detail.inner_text()
    assert "joined = visits.join(people" in detail.locator("details.answer pre").inner_text()
    assert detail.locator("details.prompt").count() == 1
    added = detail.locator(".diff .add").all_inner_texts()
    assert any("visits.join(people" in line for line in added)
    assert "Diff against prepare attempt 1" in detail.inner_text()
    shoot(page, "run-attempt-diff")

    equivalence = page.locator("h2:has-text('Equivalence') + .equivalence")
    assert "level exact" in equivalence.inner_text()
    page.locator("details.pipeline > summary").click()
    page.locator(".pipeline-code").wait_for()
    assert "prepared" in page.locator("table.stage-map").inner_text()
    assert page.locator(".original-code [data-stage='data_preparation']").count() > 0
    shoot(page, "run")


def test_compare_jumps_to_the_failed_step(page, ui_url: str, ui_store: Store):
    page.goto(f"{ui_url}/compare?a={ui_store.clinic_offline}&b={ui_store.clinic_llm}")
    sides = page.locator(".side")
    assert sides.count() == 2
    assert "not-verified" in sides.nth(0).inner_text()
    assert "verified (exact)" in sides.nth(1).inner_text()
    assert page.locator(".diff .add").count() > 0  # only the model's run has a pipeline
    shoot(page, "compare-runs")

    failed = _index(ui_store, ui_store.clinic_offline, "prepare")
    sides.nth(0).locator("a.jump").click()
    page.wait_for_url(re.compile(rf"/runs/{ui_store.clinic_offline}#rec-{failed}$"))
    detail = page.locator(f"#rec-{failed} .record-detail")
    detail.wait_for()
    assert "failed" in detail.locator("h3").inner_text()

    first, second = (_index(ui_store, ui_store.clinic_llm, "prepare", n) for n in (0, 1))
    record = _open_record(page, ui_url, ui_store.clinic_llm, second)
    record.locator("a.compare-attempts").click()
    page.wait_for_url(re.compile(rf"ra={first}&rb={second}$"))
    assert "Candidate diff" in page.inner_text("main")
    assert page.locator(".diff .add").count() > 0
    shoot(page, "compare-attempts")


def test_eval_report_links_each_case_to_its_run(page, ui_url: str, ui_store: Store):
    page.goto(ui_url + "/")
    page.get_by_role("link", name="housing").click()
    assert "housing_prices_basic" in page.locator("table.cases").inner_text()
    assert page.locator(".charts svg").count() >= 3
    shoot(page, "eval-report")
    link = page.locator("a.case-run").first
    run_id = link.inner_text()
    link.click()
    assert run_id in page.locator("h1").inner_text()
    assert page.locator("svg.graph").is_visible()


def _fork(page, ui_url: str, store: Store, edit) -> str:
    """Fork the example's verification with `edit(candidate)`; return the job's result text."""
    verify = _index(store, store.example, "verify")
    record = _open_record(page, ui_url, store.example, verify)
    record.locator("details.fork-edit > summary").click()
    editor = record.locator("details.fork-edit textarea")
    editor.fill(edit(editor.input_value()))
    record.locator("details.fork-edit button[type=submit]").click()
    page.wait_for_url(re.compile(r"/jobs/"))
    page.locator(".job-result a.job-run").wait_for(timeout=FORK_TIMEOUT)
    return page.locator(".job-result").inner_text()


def test_fork_with_an_edited_candidate_verifies_or_fails(page, ui_url: str, ui_store: Store):
    result = _fork(page, ui_url, ui_store, lambda code: code + "\n# checked by hand\n")
    assert result.startswith("verified")
    shoot(page, "fork-job")
    page.locator(".job-result a.job-run").click()
    assert "verified (exact)" in page.locator(".card b.verdict").inner_text()
    assert ui_store.example in page.locator("text=Forked from").inner_text()
    verified = page.url.rsplit("/", 1)[-1]
    shoot(page, "fork-verified-run")

    result = _fork(
        page,
        ui_url,
        ui_store,
        lambda code: code.replace("LogisticRegression(", "LogisticRegression(C=0.5, ", 1),
    )
    assert result.startswith("not-verified")
    page.locator(".job-result a.job-run").click()
    assert "stage at fault: model" in page.locator(".equivalence").first.inner_text()
    assert page.locator(".banner.failed").count() == 1
    failed = page.url.rsplit("/", 1)[-1]
    shoot(page, "fork-failed-run")

    page.goto(ui_url + "/")
    for run, verdict in ((verified, "verified (exact)"), (failed, "not-verified")):
        row = page.locator(f'tr.run[data-run="{run}"]')
        assert verdict in row.locator(".verdict").inner_text()
        assert ui_store.example in row.inner_text()


def test_script_in_a_candidate_renders_as_text(page, ui_url: str, ui_store: Store):
    edited = _index(ui_store, ui_store.scripted, "assemble", nth=1)
    record = _open_record(page, ui_url, ui_store.scripted, edited)
    assert SCRIPT_TAG in record.locator("pre.candidate").inner_text()
    assert any(SCRIPT_TAG in line for line in record.locator(".diff .add").all_inner_texts())
    page.locator("details.pipeline > summary").click()
    page.locator(".pipeline-code").wait_for()
    assert SCRIPT_TAG in page.locator(".pipeline-code").inner_text()
    assert page.locator("main script").count() == 0
    shoot(page, "script-as-text")


def test_posts_without_the_token_are_forbidden(page, ui_url: str, ui_store: Store):
    store = TraceStore(ui_store.traces)
    before = store.search()[1]
    for form in ({"module": "x = 1\n"}, {"module": "x = 1\n", "token": "wrong"}):
        response = page.request.post(f"{ui_url}/runs/{ui_store.example}/fork/edit", form=form)
        assert response.status == 403
    response = page.request.post(
        f"{ui_url}/runs/{ui_store.example}/fork/resume", form={"step": "verify"}
    )
    assert response.status == 403
    assert store.search()[1] == before
    store.close()


def test_resume_from_a_checkpoint_is_a_new_linked_run(page, ui_url: str, ui_store: Store):
    verify = _index(ui_store, ui_store.example, "verify")
    record = _open_record(page, ui_url, ui_store.example, verify)
    record.locator("details.fork-resume > summary").click()
    form = record.locator("details.fork-resume form")
    assert form.locator("input[name=model]").input_value() == "offline"
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/jobs/"))
    page.locator(".job-result a.job-run").wait_for(timeout=FORK_TIMEOUT)
    assert page.locator(".job-result").inner_text().startswith("verified")
    page.locator(".job-result a.job-run").click()
    assert ui_store.example in page.locator("text=Forked from").inner_text()
    assert page.locator("details.record.inherited").count() == verify


def test_pipeline_page_draws_the_dataflow_linked_to_the_original(
    page, ui_url: str, ui_store: Store
):
    page.goto(f"{ui_url}/runs/{ui_store.pandas}/pipeline")
    flow = page.locator("svg.dataflow")
    flow.wait_for()
    boxes = flow.locator("g.flow")
    assert boxes.count() >= 10
    assert flow.locator("g.flow.source").count() == 2  # the two reads
    assert flow.locator("g.flow.sklearn").count() >= 1  # the final fit
    labels = flow.locator("text").all_text_contents()
    assert "get amount" in labels and any(t.startswith("fit ") for t in labels)
    box = flow.locator("g.flow[data-line]").first
    line = box.get_attribute("data-line")
    box.locator("a").click()
    page.wait_for_url(re.compile(rf"#orig-L{line}$"))
    target = page.locator(f"#orig-L{line}")
    assert target.evaluate("e => e.matches(':target')")
    assert target.inner_text().strip().startswith(line)
    shoot(page, "pipeline-dataflow")
