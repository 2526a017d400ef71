"""CLI: write a deterministic sample export (one events-YYYY-MM-DD.jsonl per extraction day).

    python -m tools.sample_data --events 2000 --days 7 --start 2026-05-24 --seed 7 \\
        --out data/landing [--defect-rate 0.03]

Prints one line per file written and a total. The list of planted defects is not written to OUT
(the warehouse ingests every *.jsonl / *.txt there); use generator.planted_defects() in code.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from .generator import DEFAULT_DEFECT_RATE, write


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be within [0, 1]")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.sample_data",
        description="Generate a deterministic, realistic JSON Lines export of extracted events.",
    )
    parser.add_argument("--events", type=_positive, required=True, help="number of distinct events")
    parser.add_argument("--days", type=_positive, required=True, help="number of extraction days")
    parser.add_argument("--start", type=_date, required=True, help="first extraction day, YYYY-MM-DD")
    parser.add_argument("--seed", type=int, required=True, help="random seed (same seed, same bytes)")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument(
        "--defect-rate",
        type=_rate,
        default=DEFAULT_DEFECT_RATE,
        help=f"share of lines with a planted defect (default {DEFAULT_DEFECT_RATE})",
    )
    args = parser.parse_args(argv)

    written = write(
        args.out,
        args.events,
        args.days,
        args.start,
        args.seed,
        args.defect_rate,
        on_file=lambda path, n: print(f"wrote {path} ({n} lines)", flush=True),
    )
    print(
        f"total: {len(written.files)} files, {written.line_count} lines "
        f"({written.events} events, {written.reextracted} re-extractions, "
        f"{len(written.defects)} planted defects)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
