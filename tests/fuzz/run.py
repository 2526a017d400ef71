"""`make fuzz`: coverage-guided fuzzing of both parsers with atheris.

    python -m tests.fuzz.run page|export [seconds]

Crashes (an exception or a broken promise) are written by libFuzzer as `crash-*` files in the
current directory; add each as a case to tests/unit/test_hostile_input.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from tests.fuzz.targets import ExportTarget, page_target, seed_corpus


def main() -> None:
    name, seconds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 60
    target = page_target if name == "page" else ExportTarget()
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-corpus-"))
    for number, seed in enumerate(seed_corpus()):
        (corpus / f"seed-{number}").write_bytes(seed)
    args = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", "-max_len=65536", "-rss_limit_mb=2048"]
    atheris.Setup(args, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
