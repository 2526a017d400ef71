"""How a run chooses between an incremental dbt build and a full refresh."""

from __future__ import annotations

import json
import os
from pathlib import Path

from orchestration.assets.transform import build_args, prune_run_targets, transform_fingerprint


def _project(root: Path) -> Path:
    for folder in ("models", "macros", "seeds", "tests"):
        (root / folder).mkdir(parents=True)
    (root / "models" / "m.sql").write_text("select 1")
    (root / "tests" / "t.sql").write_text("select 1 where false")
    (root / "dbt_project.yml").write_text("name: p")
    return root


def test_fingerprint_follows_models_not_tests(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = transform_fingerprint(project)
    (project / "tests" / "t.sql").write_text("select 2 where false")
    assert transform_fingerprint(project) == before
    (project / "models" / "m.sql").write_text("select 2")
    assert transform_fingerprint(project) != before


def test_incremental_since_the_last_publish() -> None:
    args, why = build_args(False, 7, "abc", "abc")
    assert args == ["build", "--vars", json.dumps({"changed_since_batch": 7})]
    assert "since staging batch 7" in why


def test_full_refresh_when_asked_or_when_the_transform_changed() -> None:
    assert build_args(True, 7, "abc", "abc")[0] == ["build", "--full-refresh"]
    args, why = build_args(False, 7, "abc", "def")
    assert args == ["build", "--full-refresh"] and "changed" in why


def test_every_event_when_nothing_was_published_yet() -> None:
    assert build_args(False, None, "abc", "abc")[0] == ["build"]


def test_full_refresh_without_a_successful_build_to_continue_from() -> None:
    # a new warehouse, one built before fingerprints were kept, or a failed full refresh since
    args, why = build_args(False, 7, None, "abc")
    assert args == ["build", "--full-refresh"] and "no successful build" in why


def test_old_dbt_target_folders_are_pruned(tmp_path: Path) -> None:
    """Each dbt invocation leaves a target folder; only the newest few of the step stay."""
    folders = []
    for number in range(8):
        folder = tmp_path / f"warehouse_dbt_models-run{number}-abc"
        (folder / "compiled").mkdir(parents=True)
        os.utime(folder, ns=(number * 10**9, number * 10**9))
        folders.append(folder)
    (tmp_path / "compiled").mkdir()  # dbt's own folder: never touched
    (tmp_path / "other_step-run0-abc").mkdir()  # another step's: never touched
    current = folders[2]  # the invocation that just ran, whatever its mtime
    deleted = prune_run_targets(current, keep=3)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(
        ["compiled", "other_step-run0-abc", current.name, folders[7].name, folders[6].name]
    )
    assert len(deleted) == 5
