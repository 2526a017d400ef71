"""docs/analyst-guide.md's example questions, run as written against a sample warehouse: each
query runs read-only on the published file and answers with at least one row."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO
from tests.integration.conftest import SampleWarehouse, query

pytestmark = pytest.mark.integration

GUIDE = REPO / "docs" / "analyst-guide.md"
# "### <n>. <question>" and the first ```sql block after it, before the next heading.
QUESTION = re.compile(r"^### (\d+)\. (.+?)$\n(?:(?!#).*\n)*?```sql\n([\s\S]*?)```", re.MULTILINE)


def guide_questions() -> list[tuple[str, str]]:
    text = GUIDE.read_text(encoding="utf-8")
    examples = text[text.index("## Example questions") :]
    return [(f"{number}. {question}", sql) for number, question, sql in QUESTION.findall(examples)]


def test_the_guide_has_at_least_ten_questions_each_with_its_query() -> None:
    questions = guide_questions()
    headings = re.findall(r"^### \d+\. ", GUIDE.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(questions) >= 10
    assert len(questions) == len(headings), "a question without its ```sql block"


@pytest.mark.parametrize(("question", "sql"), guide_questions(), ids=[q for q, _ in guide_questions()])
def test_each_example_query_answers_on_the_sample_warehouse(
    sample_warehouse: SampleWarehouse, question: str, sql: str
) -> None:
    rows = query(sample_warehouse.settings.published_db, sql)
    assert rows, f"{question}: no rows on the sample warehouse"
