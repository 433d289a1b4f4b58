"""What every corpus case's `generate.py` shares: atomic file writes and the command line.

Each generator keeps only what is its own (the data it invents); `python generate.py --help`
behaves the same in every case.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix="." + path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def lines(rows: Iterable[Sequence[Any]], sep: str = ",") -> str:
    """Join rows (sequences of already formatted values) into file text with a final newline."""
    return "".join(sep.join(str(v) for v in row) + "\n" for row in rows)


def run_cli(
    generate: Callable[..., None], doc: str | None, default_out: Path, argv: list[str] | None = None
) -> None:
    """`generate.py [--scale K] [--seed S] [--out DIR]`, described by the generator's docstring."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument(
        "--scale", type=int, default=1, help="multiply the row counts by K (default: 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--out",
        type=Path,
        default=default_out,
        help="output folder (default: data/ next to this script)",
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    generate(args.out, scale=args.scale, seed=args.seed)
    print(f"wrote {args.out}")
