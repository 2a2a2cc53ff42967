"""Which of a body's reports of one year is counted when one ingest run meets several: the same
with one worker or two, whichever stored first (``store.received``: within a run, the later
落款, then the greater content hash)."""

from __future__ import annotations

import hashlib
import re

import pytest

from gongkai.corpus.ingest import ingest
from gongkai.corpus.region import select
from gongkai.corpus.stats import compute
from gongkai.corpus.store import Store
from gongkai.format.places import division
from tests.conftest import seed

TOWN = "吴忠市红寺堡区新庄集乡人民政府"  # seed 004's body, 2024, signed 2025年1月14日


def _files(folder) -> dict[str, str]:
    """a: as signed; b: signed six days later; c, d: a's date, a blank line or two added."""
    text = seed("004").read_text(encoding="utf-8")
    assert "2025年1月14日" in text
    files = {"a.txt": text, "b.txt": text.replace("2025年1月14日", "2025年1月20日"), "c.txt": text + "\n",
             "d.txt": text + "\n\n"}
    for name, body in files.items():
        (folder / name).write_text(body, encoding="utf-8")
    return {hashlib.sha256(body.encode()).hexdigest(): name for name, body in files.items()}


@pytest.mark.parametrize("workers", [1, 2])
def test_one_run_counts_the_later_signed_report_with_any_number_of_workers(tmp_path, workers):
    (tmp_path / "in").mkdir()
    names = _files(tmp_path / "in")
    # and the body's next report, which the cross-year checks compare with the counted one
    text = seed("004").read_text(encoding="utf-8").replace("2025年1月14日", "2026年1月14日")
    (tmp_path / "in" / "e.txt").write_text(re.sub(r"2024(\s*年)", r"2025\1", text), encoding="utf-8")
    with Store(str(tmp_path / "c.db")) as store:
        assert ingest([str(tmp_path / "in")], store, workers=workers).added == 5
        by_id = {r.id: names.get(r.sha256, "e.txt") for r in store.reports()}
        chosen = select(store, division("640303"), 2024)
        table = compute(store, "county")
        [compared] = [r.previous_id for r in store.reports() if r.year == 2025]
    assert [by_id[int(label.split()[0][1:])] for label, _ in chosen.parts] == ["b.txt"]
    assert sorted(by_id[int(label.split()[0][1:])] for label in chosen.duplicates) == ["a.txt", "c.txt", "d.txt"]
    assert [(r.year, [by_id[i] for i in r.ids]) for r in table.rows] == [(2024, ["b.txt"]), (2025, ["e.txt"])]
    assert by_id[compared] == "b.txt"


@pytest.mark.parametrize("workers", [1, 2])
def test_one_run_of_reports_signed_the_same_day_counts_the_greater_hash(tmp_path, workers):
    (tmp_path / "in").mkdir()
    names = _files(tmp_path / "in")
    (tmp_path / "in" / "b.txt").unlink()
    with Store(str(tmp_path / "c.db")) as store:
        assert ingest([str(tmp_path / "in")], store, workers=workers).added == 3
        by_id = {r.id: names[r.sha256] for r in store.reports()}
        table = compute(store, "county")
    greatest = names[max(sha for sha, name in names.items() if name != "b.txt")]
    assert [[by_id[i] for i in r.ids] for r in table.rows] == [[greatest]]
