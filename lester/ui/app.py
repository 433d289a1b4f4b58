"""The web application: routes, the per-launch token that mutating requests must carry, and the
headers that keep pages from loading anything but their own assets.

Forks (the only mutating requests) also check `Origin` (or `Referer`) when the browser sends one:
a page of another site can make a browser post a form to this server, and although it cannot read
the token, the check refuses such a request before the token is even looked at.

Pages are rendered on the server with Jinja2 (autoescaped: code, prompts and outputs are shown,
never interpreted); `static/ui.js` only fetches record details on demand and polls fork jobs.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.middleware.trustedhost import TrustedHostMiddleware

from lester.agents.edit_fork import EditFork
from lester.agents.state import Budgets
from lester.ui import format as fmt
from lester.ui.jobs import Jobs, ResumeRequest
from lester.ui.pages import (
    compare_context,
    eval_context,
    pipeline_context,
    record_context,
    run_context,
    runs_context,
)
from lester.ui.record_view import RESUMABLE
from lester.ui.store import Catalog, RunsQuery

HERE = Path(__file__).parent
MAX_MODULE = 1_000_000  # characters of an edited candidate
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class UIConfig:
    """`allowed_hosts`: Host headers to accept (None: any); a loopback server names its own
    names, so that a page on another site cannot reach it through DNS rebinding."""

    traces: Path
    evals: list[Path] = field(default_factory=list)
    sandbox: str = "auto"
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    allowed_hosts: list[str] | None = None


def create_app(config: UIConfig) -> FastAPI:
    catalog = Catalog(config.traces, config.evals)
    jobs = Jobs()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="Lester", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    if config.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=config.allowed_hosts)
    app.middleware("http")(_security_headers)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = _templates(config.token)
    _read_routes(app, catalog, templates)
    _fork_routes(app, catalog, jobs, templates, config)
    app.add_exception_handler(LookupError, _not_found(templates))
    app.add_exception_handler(IndexError, _not_found(templates))
    return app


def _templates(token: str) -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    env.globals["token"] = token
    env.filters.update(seconds=fmt.seconds, number=fmt.number, first_line=fmt.first_line)
    return Jinja2Templates(env=env)


async def _security_headers(request: Request, call_next: Any) -> Response:
    response = await call_next(request)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin: no referrer leaves the site, and our own forms carry their true Origin (with
    # no-referrer, browsers send `Origin: null`, which the fork routes refuse)
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _not_found(templates: Jinja2Templates) -> Any:
    def handler(request: Request, exc: Exception) -> Response:
        message = exc.args[0] if isinstance(exc, LookupError) and exc.args else "not found"
        return templates.TemplateResponse(
            request, "error.html", {"message": str(message)}, status_code=404
        )

    return handler


def _read_routes(app: FastAPI, catalog: Catalog, templates: Jinja2Templates) -> None:
    def page(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    @app.get("/", response_class=HTMLResponse)
    def runs(
        request: Request,
        q: str = "",
        sort: str = "started",
        order: str = "desc",
        page_no: int = Query(1, alias="page"),
    ) -> HTMLResponse:
        query = RunsQuery(q, sort, order != "asc", page_no)
        return page(request, "runs.html", runs_context(catalog, query))

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run(request: Request, run_id: str) -> HTMLResponse:
        return page(request, "run.html", run_context(catalog, run_id))

    @app.get("/runs/{run_id}/records/{index}", response_class=HTMLResponse)
    def record(request: Request, run_id: str, index: int, fragment: bool = False) -> HTMLResponse:
        context = {**record_context(catalog, run_id, index), "inner": "record.html"}
        return page(request, "record.html" if fragment else "fragment_page.html", context)

    @app.get("/runs/{run_id}/pipeline", response_class=HTMLResponse)
    def pipeline(request: Request, run_id: str, fragment: bool = False) -> HTMLResponse:
        context = {**pipeline_context(catalog, run_id), "inner": "pipeline.html"}
        return page(request, "pipeline.html" if fragment else "fragment_page.html", context)

    @app.get("/compare", response_class=HTMLResponse)
    def compare(
        request: Request,
        a: str = "",
        b: str = "",
        ra: int | None = None,
        rb: int | None = None,
        run: Annotated[list[str] | None, Query()] = None,
    ) -> HTMLResponse:
        if not (a and b) and run and len(run) == 2:
            a, b = run
        if not (a and b):
            raise HTTPException(400, "choose two runs to compare")
        return page(request, "compare.html", compare_context(catalog, a, b, ra, rb))

    @app.get("/evals/{key}", response_class=HTMLResponse)
    def evaluation(request: Request, key: str) -> HTMLResponse:
        return page(request, "eval.html", eval_context(catalog, key))


def _fork_routes(
    app: FastAPI, catalog: Catalog, jobs: Jobs, templates: Jinja2Templates, config: UIConfig
) -> None:
    async def checked_form(request: Request) -> Any:
        _same_origin(request)
        form = await request.form()
        if not secrets.compare_digest(str(form.get("token", "")), config.token):
            raise HTTPException(403, "missing or wrong token: reload the page and try again")
        return form

    @app.post("/runs/{run_id}/fork/edit")
    async def fork_edit(request: Request, run_id: str) -> Response:
        form = await checked_form(request)
        module = str(form.get("module", "")).replace("\r\n", "\n")
        if not module.strip() or len(module) > MAX_MODULE:
            raise HTTPException(400, "the edited candidate is empty or too large")
        root, _ = catalog.row(run_id)
        request_ = EditFork(root, run_id, module, _int(form, "record"), config.sandbox)
        return RedirectResponse(f"/jobs/{jobs.edit(request_).id}", status_code=303)

    @app.post("/runs/{run_id}/fork/resume")
    async def fork_resume(request: Request, run_id: str) -> Response:
        form = await checked_form(request)
        root, row = catalog.row(run_id)
        step = str(form.get("step", ""))
        if step not in RESUMABLE:
            raise HTTPException(400, f"cannot resume from {step!r}")
        budgets = Budgets(
            per_step=_int(form, "per_step", 3, minimum=1),
            total=_int(form, "total", 12, minimum=1),
            tokens=_int(form, "tokens", 200_000, minimum=0),
        )
        resume = ResumeRequest(
            traces=root,
            parent=run_id,
            script=Path(row.script),
            data_dir=Path(row.data_dir),
            step=step,
            record=_int(form, "record"),
            model=str(form.get("model") or "offline").strip(),
            budgets=budgets,
            sandbox=config.sandbox,
        )
        return RedirectResponse(f"/jobs/{jobs.resume(resume).id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            raise LookupError(f"no job {job_id}")
        return templates.TemplateResponse(request, "job.html", {"job": job})

    @app.get("/jobs/{job_id}/status")
    def job_status(job_id: str) -> JSONResponse:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return JSONResponse(job.to_dict())


def _same_origin(request: Request) -> None:
    """403 unless the request's Origin (else Referer), when it has one, is this server itself."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    origin = request.headers.get("origin")
    if origin is None and (referer := request.headers.get("referer")):
        scheme, _, rest = referer.partition("://")
        origin = f"{scheme}://{rest.split('/', 1)[0]}"
    if origin is not None and origin.lower() != own:
        raise HTTPException(403, f"cross-origin request from {origin} refused")


def _int(form: Any, name: str, default: int | None = None, minimum: int | None = None) -> Any:
    """A whole-number form field (400 when it is not one, or below `minimum`)."""
    value = form.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(str(value))
    except ValueError as exc:
        raise HTTPException(400, f"{name} must be a whole number") from exc
    if minimum is not None and number < minimum:
        raise HTTPException(400, f"{name} must be at least {minimum}")
    return number
