"""dbt in the run's own process (dbtRunner), its results streamed as dagster-dbt's events.

Why not dagster-dbt's `DbtCliResource.cli`, which starts a `dbt` subprocess: that process
imports dbt again (about 1.3 s), then writes every event as a JSON line that dagster-dbt parses.
The run's process has dbt imported already (dagster-dbt imports it), so a small run's dbt step
was a fifth start-up. dbtRunner hands its events to a callback; we keep the few that matter
(node results and errors) as the dictionaries dbt's JSON log would hold, and dagster-dbt turns
them into Dagster events exactly as it does for its subprocess.

dbt runs in a thread of its own so that its results reach Dagster while it builds (the step
yields them as they come); the thread ends with the build. Every dbt invocation in this
process reads the environment (profiles.yml's env_var) as it is when it starts.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.adapters.factory import reset_adapters
from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt_common.events.base_types import EventMsg
from dbt_common.events.functions import msg_to_dict

# The events dagster-dbt turns into materializations and test results (its `is_result_event`).
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})


class DbtFailed(RuntimeError):
    """dbt ended without success: a model or test failed, or dbt itself raised."""


def wanted(msg: EventMsg) -> bool:
    """Kept: node results (Dagster events) and errors (the failure's message). dbt sends
    thousands of debug events per build; turning each into a dict would cost more than dbt."""
    return msg.info.name in RESULT_EVENTS or msg.info.level == "error"


def dbt_command(args: Sequence[str], project_dir: Path, target_path: Path) -> list[str]:
    """`args` with the project, the profile beside it, and this invocation's own target and log
    folders (its parse state, compiled SQL and dbt.log)."""
    return [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
    ]


def stream_dbt(args: Sequence[str], *, project_dir: Path, target_path: Path) -> Iterator[DbtCoreCliEventMessage]:
    """Run dbt with `args`; yield its node results while it runs. Raises DbtFailed (with dbt's
    error messages) when dbt did not succeed, after every result it produced was yielded."""
    done = object()
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    outcome: dict[str, Any] = {}

    def on_event(msg: EventMsg) -> None:
        if wanted(msg):
            events.put(msg_to_dict(msg))

    def invoke() -> None:
        try:
            outcome["result"] = dbtRunner(callbacks=[on_event]).invoke(dbt_command(args, project_dir, target_path))
        except BaseException as error:  # handed to the consuming thread, raised there
            outcome["error"] = error
        finally:
            release_database()
            events.put(done)

    thread = threading.Thread(target=invoke, name="dbt", daemon=True)
    thread.start()
    errors: list[str] = []
    while (raw := events.get()) is not done:
        if raw["info"]["level"] == "error":
            errors.append(raw["info"]["msg"])
        if raw["info"]["name"] in RESULT_EVENTS:
            yield DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
    thread.join()
    raise_unless_succeeded(outcome.get("result"), outcome.get("error"), errors)


def release_database() -> None:
    """Close the database dbt opened. dbt keeps its adapters, and dbt-duckdb its DuckDB
    instance, until the process exits (they expect one invocation per process); an open
    instance would refuse this process's next connection with other settings (read-only)."""
    reset_adapters()  # type: ignore[no-untyped-call]  # dbt's factory is untyped
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]  # so is dbt-duckdb


def raise_unless_succeeded(result: dbtRunnerResult | None, error: BaseException | None, errors: list[str]) -> None:
    if error is not None:
        raise DbtFailed(f"dbt raised {error!r}") from error
    if result is None or not result.success:
        details = "\n".join(errors) or (repr(result.exception) if result is not None else "no result")
        raise DbtFailed(f"dbt did not succeed:\n{details}")
