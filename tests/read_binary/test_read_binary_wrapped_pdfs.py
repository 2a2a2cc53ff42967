"""Two PDF-reader defects found by the 10,000-report corpus run, on the very PDFs it generated
(gongkai's DOCX through LibreOffice; report 224 and 284 of ``generate(..., seed=2026)``), so the
drawn numbers are the truth for every cell."""

import random
from pathlib import Path

import pytest

from gongkai.load import load
from tests.synth import draw

DATA = Path(__file__).resolve().parent / "data"


def _drawn(index: int):
    rng = random.Random(2026)
    return [draw(rng) for _ in range(index + 1)][index]


@pytest.mark.parametrize("name, index", [
    # LibreOffice wrapped the long title inside the year: "…建设局202" / "3年政府信息公开…";
    # the year was lost from the title and the agency read as "…建设局2023年".
    ("generated-title-year-wrapped.pdf", 224),
    # "一" in table 3's "（一）予以公开" has a 4-pt-high box; the line grouping put it on a line of its
    # own, the label came out as "一（ ）予以公开" and the row was kept as an extra row.
    ("generated-flat-glyph-label.pdf", 284),
])
def test_generated_pdf_reads_back_exactly(name, index):
    truth = _drawn(index)
    report = load(DATA / name)
    assert (report.agency, report.year, report.format) == (truth.agency, truth.year, truth.version)
    assert report.title == f"{truth.agency}{truth.year}年政府信息公开工作年度报告"
    assert report.extra_rows == []
    assert dict(report.iter_cells()) == truth.cells


@pytest.mark.parametrize("title", ["某县教育局2 0 2 3 年度政府信息公开工作年度报告",
                                   "某县教育局202 3年政府信息公开工作年度报告"])
def test_title_year_printed_with_spaces_between_digits(title):
    from gongkai.extract import meta

    assert (meta.title_agency(title), meta.title_year(title)) == ("某县教育局", 2023)
