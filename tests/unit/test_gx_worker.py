"""Great Expectations in its worker process: the outcomes it returns are GX's own (a planted
duplicate fails the uniqueness expectation), a dead worker is restarted by the next batch, and an
error in the worker reaches the run as an error, never as passing checks."""

from __future__ import annotations

import pyarrow as pa
import pytest

from orchestration.checks.gx_worker import GxWorker, GxWorkerFailed
from orchestration.checks.suites import suite_columns


@pytest.fixture(scope="module")
def worker() -> GxWorker:
    return GxWorker()


def _events(ids: list[str]) -> pa.Table:
    """fct_events' suite columns, nulls but for the ids and their extraction time."""
    columns = {column: pa.nulls(len(ids)) for column in suite_columns("fct_events")}
    return pa.table(columns | {"event_id": ids, "extracted_at": ["2026-05-30 10:00:00"] * len(ids)})


def test_outcomes_are_gx_verdicts_on_the_batch(worker: GxWorker, tmp_path) -> None:
    outcomes = {o.name: o for o in worker.validate({"fct_events": _events(["a", "a", "b"])}, tmp_path / "docs")}
    assert not outcomes["gx_event_id_unique"].passed
    assert outcomes["gx_event_id_unique"].metadata["unexpected_count"] == 2  # a number, not text
    assert outcomes["gx_event_id_not_null"].passed
    assert {o.table for o in outcomes.values()} == {"fct_events"}
    assert (tmp_path / "docs" / "index.html").exists()  # GX's Data Docs of the validation


def test_a_killed_worker_is_restarted_by_the_next_batch(worker: GxWorker) -> None:
    worker.start()
    assert worker._process is not None
    worker._process.kill()
    worker._process.wait()
    outcomes = {o.name: o for o in worker.validate({"fct_events": _events(["a", "b"])}, None)}
    assert outcomes["gx_event_id_unique"].passed


def test_an_error_in_the_worker_fails_loudly(worker: GxWorker, tmp_path) -> None:
    with pytest.raises(GxWorkerFailed, match=r"(?s)failed in its worker.*No such file"):
        worker.ask({"fct_events": tmp_path / "missing.arrow"}, None)
    assert worker.validate({"fct_events": _events(["a"])}, None)  # and it still serves the next
