"""Dagster's SQLite instance storage, with the event log's database connections kept open.

Dagster's `SqliteEventLogStorage` builds a new SQLAlchemy engine, and opens and closes a new
SQLite connection, for every event it writes (two or three times for an asset or check event,
which it mirrors into the cross-run index). A run of this job writes about 350 events (one
planned event per asset and per check, then one or two per dbt model and test): 1.6 ms each,
0.6 ms of it the commit itself. This storage keeps one engine and one pooled connection per
shard. Each event still commits its own transaction, under the same lock, so what is on disk,
and when, is unchanged; an idle SQLite connection holds no lock, so other processes (the UI,
the daemon) read and write the same files as before.

Configured in orchestration/instance/dagster.yaml (`storage: custom:`); the files under
$DAGSTER_HOME are the same as with Dagster's default storage, so an existing instance keeps its
history and `make dev` reads it as before.
"""

from __future__ import annotations

import contextlib
import os
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

# The index shard and the few runs a process writes at once; a long-lived process (the daemon,
# the UI) closes the connections of runs it no longer writes.
KEPT_ENGINES = 8


class PooledEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` whose per-shard engine and connection outlive one event."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()

    def _engine(self, shard: str) -> Engine:
        if self._engines_pid != os.getpid():
            # A forked child never uses its parent's open SQLite connections.
            for inherited in self._engines.values():
                inherited.dispose(close=False)
            self._engines.clear()
            self._engines_pid = os.getpid()
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                # One kept connection; Dagster's schema setup opens a second one for a moment.
                pool_size=1,
                max_overflow=2,
                # Used by one thread at a time (under `_db_lock`), not always the same one.
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine  # most recently used last
        while len(self._engines) > KEPT_ENGINES:
            _, dropped = self._engines.popitem(last=False)
            dropped.dispose()
        return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # The same lock and one transaction per call, as the parent's `_connect`; the engine and
        # its connection come from `_engine` instead of being built and disposed of here.
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # before the shard files are deleted
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._close_all()


class PooledSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage (runs, schedules, event log under one base_dir), with
    the event log of `PooledEventLogStorage`."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: Any) -> PooledSqliteStorage:
        # The parent's from_config_value names DagsterSqliteStorage itself, not `cls`.
        return cls.from_local(inst_data=inst_data, **config_value)
