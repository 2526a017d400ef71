"""dbt's docs page is cached per transform fingerprint in the checkout's dbt target folder, which
several warehouses may publish from at the same moment."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from orchestration.publish.site import dbt_docs_page

FAKE_DBT = """#!{python}
import pathlib, sys, time
args = sys.argv[1:]
with open({calls!r}, "a") as calls:
    calls.write("generate\\n")
time.sleep(0.5)  # long enough for the other caller to arrive meanwhile
target = pathlib.Path(args[args.index("--target-path") + 1])
target.mkdir(parents=True, exist_ok=True)
(target / "static_index.html").write_text("docs")
"""


def test_warehouses_publishing_at_once_generate_the_docs_once_and_both_get_them(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    dbt = tmp_path / "dbt"
    dbt.write_text(FAKE_DBT.format(python=sys.executable, calls=str(calls)))
    dbt.chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    with ThreadPoolExecutor(2) as pool:
        pages = list(pool.map(lambda _: dbt_docs_page(project, "f" * 64, {}, dbt), range(2)))
    assert pages[0] == pages[1] and pages[0].read_text() == "docs"
    assert calls.read_text().splitlines() == ["generate"]
    assert sorted(p.name for p in (project / "target" / "docs").iterdir()) == [".generate.lock", "f" * 16]
