"""`make bench`: every benchmark, side by side in one run; results also go to bench-results/."""

from __future__ import annotations

import argparse
import importlib
import json
import time
from pathlib import Path

SUITES = (
    "abstraction_bench",
    "forget_bench",
    "sandbox_bench",
    "equivalence_bench",
    "tracing_bench",
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--only",
        choices=[s.removesuffix("_bench") for s in SUITES],
        action="append",
        help="run only these suites",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    chosen = [s for s in SUITES if not args.only or s.removesuffix("_bench") in args.only]
    results = {}
    for name in chosen:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            print(f"\n## {name}: not available ({exc})")
            continue
        print(f"\n# {name}")
        results[name] = module.main(quick=args.quick)
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nresults written to {path}")


if __name__ == "__main__":
    main()
