"""What ``mypy`` tells a user of the Python API (``gongkai/__init__.py``): checked by the project's
own ``mypy`` run (pyproject.toml lists this file), never executed.  ``gongkai.check``,
``gongkai.render`` and ``gongkai.load`` are packages that are also callable; for a type checker
they are the functions (the package's other names: ``from gongkai.check import Findings``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, assert_type

import gongkai
from gongkai.check import Findings
from gongkai.model import Report


def _uses() -> None:
    report = gongkai.parse("examples/huaian-city-2024.pdf")
    assert_type(report, gongkai.Report)
    assert_type(gongkai.load("a.json"), Report)
    assert_type(gongkai.load(b"...", "a.pdf"), Report)
    assert_type(gongkai.load_all("parsed.jsonl"), list[Report])
    assert_type(gongkai.check(report), Findings)
    assert_type(gongkai.check(report, previous=report), gongkai.Findings)
    assert_type(gongkai.check(report).records(), list[dict[str, Any]])
    assert_type(gongkai.cell_records(report), list[dict[str, Any]])
    assert_type(gongkai.render(report, "docx"), bytes)
    assert_type(gongkai.render(report, "pdf", path="report.pdf"), Path)
    with gongkai.Register("registers.db", create=True) as register:
        assert_type(register.count(), int)
    with gongkai.Log("registers.db", create=True) as log:
        assert_type(log.count(), int)
    comparison = gongkai.compare("2023.pdf", report)
    assert_type(comparison, gongkai.Comparison)
    with gongkai.Corpus("corpus.db") as corpus:
        assert_type(corpus.count(), int)
        assert_type(corpus.reports(agency="淮安市人民政府", year=2024), list[Report])
        assert_type(corpus.compare(1, "#2"), gongkai.Comparison)
        assert_type(corpus.stats("body", body="320813/").records(), list[dict[str, Any]])
        assert_type(corpus.table("cells"), list[dict[str, Any]])
    assert_type(gongkai.rollup(["towns/", report], against="county.pdf"), gongkai.Rollup)
