"""`lester forget`: delete a data subject's rows from every artifact of a saved run.

Exit codes: 0 the rows were deleted (ids not found are listed); 1 nothing was deleted (no id was
found, or the run can only be recomputed by its pipeline's code); 2 bad input (arguments, a
malformed or tampered run, a predicate outside the accepted form). Nothing of the user's is
overwritten on any error: the new run is written beside its target and renamed into place, and
`--in-place` replaces the run through a journal that no crash leaves half-applied.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)
ID_TOKEN = re.compile(r"[,\s]+")
MAX_IDS_FILE = 64 << 20


class Exit(Exception):
    """Stop with an exit code and a message (on stderr, or in the JSON document)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def forget_command(
    run_dir: Path = typer.Argument(..., help="A saved run directory (from `lester run`)."),
    source: str = typer.Option(..., "--source", help="The source whose rows are deleted."),
    ids: str = typer.Option(None, "--ids", help="Comma-separated source row ids, e.g. 4711,4712."),
    ids_file: Path = typer.Option(
        None, "--ids-file", help="A file of source row ids (separated by commas, spaces or lines)."
    ),
    where: str = typer.Option(
        None,
        "--where",
        help="A predicate on the source's columns, e.g. \"email == 'a@b.org'\" "
        "(comparisons with literals, and/or/not, in, isin; never evaluated as code).",
    ),
    out: Path = typer.Option(
        None, "--out", help="Where to save the updated run (default: <RUN_DIR>-forget-<time>)."
    ),
    in_place: bool = typer.Option(
        False, "--in-place", help="Replace RUN_DIR (crash-safe; no copy of the old run is kept)."
    ),
    model_update: str = typer.Option(
        "retrain",
        "--model-update",
        help="retrain (exact, warm-started) or influence (certified Newton step, linear models).",
    ),
    tolerance: float = typer.Option(
        None,
        "--tolerance",
        help="Largest gradient norm an influence update may leave (default: the model's tol).",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would change and how, and write nothing."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document instead."),
    trust_unsigned: bool = typer.Option(
        False,
        "--trust-unsigned",
        help="Load a run your key did not sign: its pickles are read (by the restricted unpickler).",
    ),
) -> None:
    """Delete a data subject's rows from every artifact of a saved run, via provenance.

    Exit codes: 0 deleted (ids not found are listed), 1 nothing deleted (no id found, or the run
    could only be recomputed by its pipeline's code), 2 bad input (arguments, a malformed,
    tampered or unsigned run)."""
    started = time.perf_counter()
    try:
        id_list = _requested_ids(ids, ids_file, where)
        target = _target(run_dir, out, in_place, dry_run)
        doc = _forget(
            run_dir,
            source,
            id_list,
            where,
            target,
            model_update,
            tolerance,
            dry_run,
            trust_unsigned,
        )
    except Exit as exc:
        _finish({"error": str(exc), "exit_code": exc.code}, as_json, exc.code)
    doc["seconds_total"] = round(time.perf_counter() - started, 3)
    _finish(doc, as_json, 0)


def _requested_ids(ids: str | None, ids_file: Path | None, where: str | None) -> list[int] | None:
    given = [o for o, v in (("--ids", ids), ("--ids-file", ids_file), ("--where", where)) if v]
    if len(given) != 1:
        raise Exit(2, "give exactly one of --ids, --ids-file or --where")
    if where is not None:
        return None
    if ids_file is not None:
        if not ids_file.is_file():
            raise Exit(2, f"--ids-file {ids_file}: no such file")
        if ids_file.stat().st_size > MAX_IDS_FILE:
            raise Exit(2, f"--ids-file {ids_file}: larger than {MAX_IDS_FILE >> 20} MB")
        text, what = ids_file.read_text(errors="replace"), f"--ids-file {ids_file}"
        text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    else:
        text, what = ids, "--ids"
    tokens = [t for t in ID_TOKEN.split(text.strip()) if t]
    if not tokens:
        raise Exit(2, f"{what} holds no ids")
    bad = [t for t in tokens if not re.fullmatch(r"[+-]?\d+", t)]
    if bad:
        raise Exit(2, f"{what} must hold integer ids, not {', '.join(map(repr, bad[:5]))}")
    return [int(t) for t in tokens]


def _target(run_dir: Path, out: Path | None, in_place: bool, dry_run: bool) -> Path:
    """Where the updated run goes, checked before any work is done."""
    if in_place and out is not None:
        raise Exit(2, "--in-place and --out exclude each other")
    if not (run_dir / "meta.json").exists():
        raise Exit(2, f"{run_dir} is not a saved Lester run (no meta.json)")
    if in_place:
        return run_dir
    target = out or run_dir.with_name(f"{run_dir.name}-forget-{time.strftime('%Y%m%d-%H%M%S')}")
    if not dry_run:
        if target.exists():
            raise Exit(2, f"{target} already exists; choose another --out (nothing was written)")
        if not target.parent.is_dir():
            raise Exit(2, f"{target.parent} does not exist (nothing was written)")
    return target


def _forget(
    run_dir: Path,
    source: str,
    ids: list[int] | None,
    where: str | None,
    target: Path,
    model_update: str,
    tolerance: float | None,
    dry_run: bool,
    trust_unsigned: bool,
) -> dict[str, Any]:
    from lester.abstraction import LesterError, load_run
    from lester.abstraction.forget import NeedsRecompute, NothingToForget
    from lester.abstraction.runfiles import BadRunError

    if model_update not in ("retrain", "influence"):
        raise Exit(2, f"--model-update must be retrain or influence, not {model_update!r}")
    try:
        run = load_run(run_dir, trust_unsigned=trust_unsigned)
        updated = run.forget(
            source, ids=ids, where=where, model_update=model_update, tolerance=tolerance
        )
        if dry_run:
            run.origin.settle()
        else:
            updated.save(target, overwrite=target == run_dir)
    except (NothingToForget, NeedsRecompute) as exc:
        raise Exit(1, str(exc)) from None
    except BadRunError as exc:
        raise Exit(2, str(exc)) from None
    except LesterError as exc:
        raise Exit(2, str(exc)) from None
    warnings = [f"accepted without a valid signature: {p}" for p in run.origin.unverified]
    return {
        "run": str(run_dir),
        "target": None if dry_run else str(target),
        "dry_run": dry_run,
        "in_place": target == run_dir and not dry_run,
        "report": updated.forget_report,
        "notes": updated.notes,
        "warnings": warnings,
    }


def _finish(doc: dict[str, Any], as_json: bool, code: int) -> None:
    if as_json:
        print(json.dumps(doc, indent=1, default=str))
        raise typer.Exit(code)
    if "error" in doc:
        err.print(f"[bold red]error:[/] {escape(doc['error'])}", highlight=False, soft_wrap=True)
        raise typer.Exit(code)
    for warning in doc["warnings"]:
        err.print(f"[bold yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    _print_report(doc)
    raise typer.Exit(code)


def _print_report(doc: dict[str, Any]) -> None:
    report = doc["report"]
    where = "nothing was written (dry run)" if doc["dry_run"] else f"saved to {doc['target']}"
    title = f"forgot {report['n_ids']} id(s) of {report['source']}; {where}"
    table = Table(title=title)
    table.add_column("artifact")
    table.add_column("rows removed", justify="right")
    table.add_column("method")
    for name, entry in report["artifacts"].items():
        table.add_row(name, str(entry.get("rows_removed", "")), entry["method"])
    console.print(table, markup=False)
    for missing in report["ids_not_found"]:
        console.print(
            f"id {missing}: not found in {report['source']}", markup=False, soft_wrap=True
        )
    if report["n_not_found"] > len(report["ids_not_found"]):
        console.print(f"... {report['n_not_found']} ids not found in all", markup=False)
    certificate = report["artifacts"]["model"].get("certificate") or {}
    if "gradient_norm" in certificate:
        console.print(f"model gradient norm: {certificate['gradient_norm']:.3g}", markup=False)
    for note in doc["notes"]:
        console.print(f"note: {note}", markup=False, soft_wrap=True)
    if not doc["dry_run"] and not doc["in_place"]:
        console.print(
            f"the original run {doc['run']} still holds the forgotten rows: delete it once the "
            "new run is in use (or forget with --in-place)",
            markup=False,
            soft_wrap=True,
        )
    console.print(f"time: {report['seconds']:.3f} s (forget), {doc['seconds_total']:.3f} s (total)")
