"""Named fault-injection points for the crash-safety harness (`make chaos`, tests/chaos).

`fault_point("name")` does nothing unless the environment variable FAULT_KILL_AT names it; then
the whole process group (this process and any dbt child) is killed with SIGKILL, as a power cut
or an OOM kill would. The harness sets the variable only for the runs it means to kill.
"""

from __future__ import annotations

import os
import signal

FAULT_ENV = "FAULT_KILL_AT"

# Every point the harness kills at, in pipeline order.
FAULT_POINTS = (
    "landing_before_first_file",
    "landing_mid_file_after_records",  # records staged as Parquet, manifest row not yet committed
    "landing_after_commit_before_files_visible",  # committed, its Parquet files not yet renamed into place
    "landing_after_first_file",
    "landing_after_all_files",
    "dbt_before_build",
    "dbt_mid_build",  # after some dbt nodes finished, others not yet
    "checks_before_gx",
    "checks_after_gx",
    "publish_before_build",
    "publish_after_build_before_link",
    "publish_after_link_before_rename",
    "publish_after_rename_before_exports",
    "publish_mid_exports",
)


def fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        os.killpg(os.getpgid(0), signal.SIGKILL)
