"""The web app's routes against a synthetic trace store, without a browser or a sandbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lester.agents.traces import TraceStore

from lester.ui.app import UIConfig, create_app
from lester.ui.store import PAGE_SIZE
from tests.ui.synthetic import HOSTILE, ORIGINAL, write_run

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, str, str]:
    """A store with two runs (the second forked from the first); returns the store and ids."""
    script = tmp_path / "messy.py"
    script.write_text(ORIGINAL)
    traces = tmp_path / ".lester"
    trace_store = TraceStore(traces)
    first = write_run(trace_store, script)
    second = write_run(trace_store, script, parent=first)
    trace_store.close()
    return traces, first, second


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(create_app(UIConfig(traces=store[0], token="secret-token")))


def _no_live_script(html: str) -> None:
    """Markup from a trace never reaches the page as markup."""
    assert HOSTILE not in html
    assert not re.search(r"<script(?! src=\"/static/ui\.js\")", html)


def test_runs_list_search_sort_and_headers(client: TestClient, store):
    _, first, second = store
    page = client.get("/")
    assert page.status_code == 200
    assert first in page.text and second in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert client.get("/?q=nothing-like-this").text.count('class="run"') == 0
    ascending = client.get("/?sort=started&order=asc").text
    assert ascending.index(first) < ascending.index(second)
    assert client.get("/?sort=bogus").status_code == 200  # unknown sorts fall back


def test_runs_list_pages(tmp_path: Path):
    store = TraceStore(tmp_path)
    for _ in range(PAGE_SIZE + 5):
        store.start(tmp_path / "x.py", tmp_path, "offline")
    store.close()
    client = TestClient(create_app(UIConfig(traces=tmp_path)))
    assert client.get("/").text.count('class="run"') == PAGE_SIZE
    second = client.get("/?page=2").text
    assert second.count('class="run"') == 5 and "page 2 of 2" in second


def test_run_page_and_records_escape_everything(client: TestClient, store):
    _, first, second = store
    page = client.get(f"/runs/{first}")
    assert page.status_code == 200
    assert 'class="graph"' in page.text and 'id="rec-5"' in page.text
    assert "Failed at" in page.text and 'href="#rec-4"' in page.text
    _no_live_script(page.text)
    for index in range(6):
        detail = client.get(f"/runs/{first}/records/{index}?fragment=1")
        assert detail.status_code == 200
        _no_live_script(detail.text)
    repaired = client.get(f"/runs/{first}/records/2?fragment=1").text
    assert "Diff against prepare attempt 1" in repaired and ESCAPED in repaired
    assert 'name="token" value="secret-token"' in repaired
    assert ESCAPED in client.get(f"/runs/{first}/records/4?fragment=1").text  # stderr, evidence


def test_pipeline_compare_and_missing_things(client: TestClient, store):
    _, first, second = store
    pipeline = client.get(f"/runs/{first}/pipeline?fragment=1").text
    assert "@lt.source" in pipeline and 'data-stage="data_preparation"' in pipeline
    compare = client.get(f"/compare?run={first}&run={second}")
    assert compare.status_code == 200 and compare.text.count('class="side"') == 2
    attempts = client.get(f"/compare?a={first}&b={first}&ra=1&rb=2")
    assert "Candidate diff" in attempts.text
    _no_live_script(attempts.text)
    assert client.get("/runs/nope").status_code == 404
    assert client.get(f"/runs/{first}/records/99").status_code == 404
    assert client.get("/evals/nope").status_code == 404
    assert client.get("/compare?a=x").status_code == 400


def test_forks_need_the_token(client: TestClient, store):
    traces, first, _ = store
    for form in ({"module": "x = 1\n"}, {"module": "x = 1\n", "token": "wrong"}):
        assert client.post(f"/runs/{first}/fork/edit", data=form).status_code == 403
        assert client.post(f"/runs/{first}/fork/resume", data=form).status_code == 403
    with_token = {"token": "secret-token", "step": "analyse"}
    assert client.post(f"/runs/{first}/fork/resume", data=with_token).status_code == 400
    empty = {"token": "secret-token", "module": "  "}
    assert client.post(f"/runs/{first}/fork/edit", data=empty).status_code == 400
    store = TraceStore(traces)
    assert store.search()[1] == 2  # nothing was forked
    store.close()


def test_forks_posted_from_another_origin_are_refused(client: TestClient, store):
    traces, first, _ = store
    form = {"token": "secret-token", "module": "x = 1\n", "step": "analyse"}
    foreign = ({"Origin": "http://evil.example"}, {"Origin": "null"})
    foreign += ({"Referer": "http://evil.example/forks.html"},)
    for headers in foreign:
        for action in ("edit", "resume"):
            response = client.post(f"/runs/{first}/fork/{action}", data=form, headers=headers)
            assert response.status_code == 403 and "cross-origin" in response.text
    own = {"Origin": str(client.base_url).rstrip("/")}
    response = client.post(f"/runs/{first}/fork/resume", data=form, headers=own)
    assert response.status_code == 400  # past the origin check: analyse is not resumable
    store = TraceStore(traces)
    assert store.search()[1] == 2  # nothing was forked
    store.close()


def test_loopback_server_rejects_foreign_hosts(store):
    config = UIConfig(traces=store[0], allowed_hosts=["127.0.0.1", "localhost"])
    client = TestClient(create_app(config), base_url="http://evil.example")
    assert client.get("/").status_code == 400
