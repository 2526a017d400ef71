"""The analysts' site shipped with each publish: the visual report, the dbt docs of the project
that built the version, and the Great Expectations Data Docs of the checks that let it through.

`$WAREHOUSE_DIR/site` is a symbolic link to one complete version's folder
(`site_versions/<version_id>/`), swapped atomically like the Parquet exports:

    site/index.html               the report (orchestration/publish/report.py)
    site/dbt-docs/index.html      dbt docs, one file with manifest and catalog inside
    site/data-docs/index.html     GX Data Docs of this version's validations
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestration.publish.atomic_sets import remove_stale_sets, set_store, swap_in_set
from orchestration.publish.report import write_report

REPORT_PAGE = "index.html"
DBT_DOCS = "dbt-docs"
DATA_DOCS = "data-docs"

DBT_DOCS_LINK = "dbt docs: tables, columns, lineage"
DATA_DOCS_LINK = "Data quality: Great Expectations Data Docs"


@dataclass(frozen=True)
class SiteResult:
    path: Path  # the version's folder (what `site` now points to)
    report: Path
    links: dict[str, str]  # label -> href relative to the report


def dbt_docs_page(project_dir: Path, fingerprint: str, env: Mapping[str, str], dbt: Path) -> Path:
    """dbt's one-file docs page (`static_index.html`) for the project as it is now.

    Generated once per transform fingerprint (models, macros, seeds) and kept under
    `target/docs/<fingerprint>/`: the catalog DuckDB gives dbt holds column types only, no
    statistics, so it changes only when the project does, and `dbt docs generate` costs
    seconds. `env` points dbt's profile at a built warehouse (the working database).
    """
    cache = project_dir / "target" / "docs" / fingerprint[:16]
    page = cache / "static_index.html"
    if page.exists():
        return page
    cache.parent.mkdir(parents=True, exist_ok=True)
    for leftover in cache.parent.glob(".*.tmp"):  # a killed run's (the site is built in the pool)
        shutil.rmtree(leftover, ignore_errors=True)
    staging = cache.with_name(f".{cache.name}.tmp")
    done = subprocess.run(
        [
            str(dbt),
            "docs",
            "generate",
            "--static",
            "--quiet",
            "--target-path",
            str(staging),
            "--profiles-dir",
            str(project_dir),
        ],
        cwd=project_dir,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not (staging / "static_index.html").exists():
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(f"dbt docs generate failed ({done.returncode}): {(done.stdout + done.stderr)[-2000:]}")
    for other in cache.parent.iterdir():  # older fingerprints' pages describe another project
        if other.name != staging.name and not other.name.startswith("."):
            shutil.rmtree(other, ignore_errors=True)
    os.replace(staging, cache)
    return page


def publish_site(
    site_dir: Path,
    version_id: str,
    published_db: Path,
    *,
    dbt_docs: Path,
    data_docs: Path | None,
    keep: int = 5,
) -> SiteResult:
    """Build the site of published version `version_id` and make it `site_dir`'s target.

    `data_docs` (a GX Data Docs folder, moved into the site) may be None when the checks wrote
    none; the report then says so instead of linking to nothing.
    """
    remove_stale_sets(site_dir)
    staging = set_store(site_dir) / f".{version_id}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / DBT_DOCS).mkdir()
    shutil.copyfile(dbt_docs, staging / DBT_DOCS / "index.html")
    links = {DBT_DOCS_LINK: f"{DBT_DOCS}/index.html"}
    if data_docs is not None and (data_docs / "index.html").exists():
        shutil.move(data_docs, staging / DATA_DOCS)
        links[DATA_DOCS_LINK] = f"{DATA_DOCS}/index.html"
    write_report(published_db, staging / REPORT_PAGE, links=links)
    complete = swap_in_set(staging, site_dir, version_id, keep)
    return SiteResult(complete, complete / REPORT_PAGE, links)
