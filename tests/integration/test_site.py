"""Each publish ships its site: the report of the published version, the dbt docs and the Great
Expectations Data Docs of the checks that let the version through, linked from the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.checks.suites import SUITES
from orchestration.publish.publisher import read_published_version
from orchestration.publish.site import DATA_DOCS, DBT_DOCS, REPORT_PAGE
from tests.integration.conftest import SampleWarehouse

pytestmark = pytest.mark.integration


def test_the_site_of_the_published_version_links_its_docs(sample_warehouse: SampleWarehouse) -> None:
    settings = sample_warehouse.settings
    version = read_published_version(settings.published_db)
    site = settings.site_dir
    assert site.is_symlink() and site.resolve().name == version

    report = (site / REPORT_PAGE).read_text(encoding="utf-8")
    assert version in report
    hrefs = set(re.findall(r'href="([^"]+)"', report))
    assert {f"{DBT_DOCS}/index.html", f"{DATA_DOCS}/index.html"} <= hrefs
    for href in hrefs:
        assert (site / href).is_file(), href

    dbt_docs = (site / DBT_DOCS / "index.html").read_text(encoding="utf-8")
    # The one-file docs carry the manifest: models, their column descriptions and the exposures.
    assert "agg_outlet_scorecards" in dbt_docs and "postgres_publish" in dbt_docs

    validations = sorted(Path(site / DATA_DOCS / "validations").iterdir())
    assert {path.name for path in validations} == set(SUITES)
    data_docs_index = (site / DATA_DOCS / "index.html").read_text(encoding="utf-8")
    assert all(table in data_docs_index for table in SUITES)


def test_data_docs_of_a_published_run_move_into_its_site(sample_warehouse: SampleWarehouse) -> None:
    """The checks write them per run; the publish moves them, so nothing is left to pile up."""
    leftovers = [p for p in sample_warehouse.settings.data_docs_dir.glob("*") if p.is_dir()]
    assert leftovers == []
