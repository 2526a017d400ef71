"""Great Expectations in a worker process that starts with the run.

Importing GX takes about 2 s (pandas, scipy, its expectation registry), and it used to be paid
on the critical path of every run, right before publishing: an eighth of a 1k-event run. The
run starts this worker when it starts (the `great_expectations` resource), so the import runs
while the run lands its files and dbt builds; the checks step then hands it the batch as Arrow
files and waits only for the validation itself. One worker serves every run of its process
(the test suite's hundred runs import GX once); it ends when the process does (end of input).

Protocol: one JSON line per request (`{"frames": {table: arrow_file}, "data_docs_dir": …}`)
and one per response (`{"outcomes": [...]}` or `{"error": traceback}`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.feather as feather

from orchestration.checks.outcomes import CheckOutcome
from orchestration.checks.suites import SUITES, suite_columns


class GxWorkerFailed(RuntimeError):
    """The worker died, or GX raised inside it (the message carries its traceback)."""


class GxWorker:
    """The client side: starts the worker (once per process, again if it died), sends batches."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker unless one is alive; returns at once (the import runs over there)."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            self._process = subprocess.Popen(
                [sys.executable, "-m", "orchestration.checks.gx_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "GX_ANALYTICS_ENABLED": "False"},
                cwd=Path(__file__).resolve().parents[2],  # where `orchestration` imports from
            )

    def validate(self, tables: Mapping[str, pa.Table], data_docs_dir: Path | None) -> list[CheckOutcome]:
        """GX's outcomes on `tables` (written as Arrow files for the worker to read)."""
        with tempfile.TemporaryDirectory(prefix="gx-batch-") as folder:
            files = {}
            for table, data in tables.items():
                files[table] = Path(folder) / f"{table}.arrow"
                feather.write_feather(data, files[table], compression="uncompressed")
            return self.ask(files, data_docs_dir)

    def ask(self, files: Mapping[str, Path], data_docs_dir: Path | None) -> list[CheckOutcome]:
        """One request: validate the Arrow `files` (table → file)."""
        self.start()
        request = {
            "frames": {table: str(path) for table, path in files.items()},
            "data_docs_dir": None if data_docs_dir is None else str(data_docs_dir),
        }
        with self._lock:
            process = self._process
            assert process is not None and process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except BrokenPipeError:
                line = ""
            if not line:
                code = process.wait()
                raise GxWorkerFailed(f"the Great Expectations worker exited (code {code}); its errors are above")
        response = json.loads(line)
        if "error" in response:
            raise GxWorkerFailed(f"Great Expectations failed in its worker:\n{response['error']}")
        return [CheckOutcome(**outcome) for outcome in response["outcomes"]]


_WORKER = GxWorker()


def start_worker() -> None:
    """Start this process's worker now, so that its GX import overlaps the run's first steps."""
    _WORKER.start()


def validate_tables(tables: Mapping[str, pa.Table], data_docs_dir: Path | None = None) -> list[CheckOutcome]:
    """orchestration.checks.gx_validation.validate_tables, in the worker (started if need be)."""
    return _WORKER.validate(tables, data_docs_dir)


def serve(requests: IO[str], responses: IO[str]) -> None:
    """The worker's loop: import GX and warm it up, then answer requests until the input ends."""
    from orchestration.checks.gx_validation import validate_tables as validate_here  # imports GX: the slow part

    warm_up(validate_here)
    for line in requests:
        request: dict[str, Any] = json.loads(line)
        try:
            frames = {table: feather.read_table(path).to_pandas() for table, path in request["frames"].items()}
            docs = request["data_docs_dir"]
            outcomes = validate_here(frames, data_docs_dir=None if docs is None else Path(docs))
            response: dict[str, Any] = {"outcomes": [asdict(o) for o in outcomes]}
        except Exception:  # reported to the run, which fails its checks step with it
            response = {"error": traceback.format_exc()}
        responses.write(json.dumps(response, default=_plain) + "\n")
        responses.flush()


def warm_up(validate_here: Callable[..., list[CheckOutcome]]) -> None:
    """Validate an empty batch once: GX's first validation in a process builds its registries
    and caches (about 2 s more than the next), which the run should not wait for."""
    import pandas as pd

    empty = {table: pd.DataFrame({column: [] for column in suite_columns(table)}) for table in SUITES}
    try:
        validate_here(empty)
    except Exception:  # a warm-up only: the real request reports any error
        traceback.print_exc()


def _plain(value: Any) -> Any:
    """numpy's scalars (GX's counts) as Python's; anything else JSON cannot hold as text."""
    return value.item() if hasattr(value, "item") else str(value)


if __name__ == "__main__":
    # Below the run in the scheduler's eyes: the warm-up takes what the run leaves of the CPU.
    os.nice(10)
    protocol = sys.stdout
    sys.stdout = sys.stderr  # what GX prints goes to the run's log, never into the protocol
    serve(sys.stdin, protocol)
