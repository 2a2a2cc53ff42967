"""Shared helpers for the corpus tests: the real example reports and generated ones."""

from __future__ import annotations

import random
from pathlib import Path

from gongkai.format import FORMAT
from tests.synth import _SENTENCES, Synthetic, draw, render, write_reports

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEEDS = sorted(EXAMPLES.glob("*.txt"))
PDFS = sorted(EXAMPLES.glob("*.pdf"))


def generate(directory: Path, n: int, seed: int = 1, forms=("txt", "html")) -> dict[str, Synthetic]:
    """Write ``n`` generated reports into ``directory``, the forms taking turns; return file
    name -> drawn truth."""
    rng = random.Random(seed)
    truth = {f"gen{seed}_{i:05d}.{forms[i % len(forms)]}": draw(rng) for i in range(n)}
    write_reports(directory, truth)
    return truth


# -- two years of one body whose carried-forward requests do not match (cross-year checks) ------
TWO_YEARS_AGENCY = "中卫市沙坡头区民政局"
_T3_COLUMNS = [c for c in FORMAT.table3_column_ids if c != "total"]


def _carry(s: Synthetic, row: str, values: dict[str, int]) -> None:
    """Set table 3's carried-over (上年结转) or carried-forward (结转下年度) row and keep the
    report consistent: the other of the two is set to 0 and new requests absorb the change."""
    other = "carried_forward" if row == "carried_over" else "carried_over"
    for c in _T3_COLUMNS:
        s.cells[f"table3.{row}.{c}"] = values.get(c, 0)
        s.cells[f"table3.{other}.{c}"] = 0
        s.cells[f"table3.new_received.{c}"] = (s.cells[f"table3.total.{c}"] + s.cells[f"table3.carried_forward.{c}"]
                                               - s.cells[f"table3.carried_over.{c}"])
    for r in ("carried_over", "carried_forward", "new_received"):
        s.cells[f"table3.{r}.total"] = sum(s.cells[f"table3.{r}.{c}"] for c in _T3_COLUMNS)


def two_years(directory: Path) -> tuple[Path, Path]:
    """2019.txt and 2020.html of one body: 2019 carries 3 requests of persons forward, 2020
    carries over none; no passage is shared, so CARRY_OVER_FINDINGS are the only cross-year ones."""
    rng = random.Random(77)
    last, this = draw(rng, year=2019, agency=TWO_YEARS_AGENCY), draw(rng, year=2020, agency=TWO_YEARS_AGENCY)
    last.sections = {1: "".join(_SENTENCES[0:3]), 5: "".join(_SENTENCES[3:5]), 6: _SENTENCES[5]}
    this.sections = {1: "".join(_SENTENCES[6:9]), 5: "".join(_SENTENCES[9:11]), 6: _SENTENCES[11]}
    _carry(last, "carried_forward", {"natural_person": 3})
    _carry(this, "carried_over", {})
    for cell in [c for c in this.cells if c.endswith(".prev_items")]:  # the 2019 table 2 continues last year's
        key = cell.rsplit(".", 1)[0]
        this.cells[cell] = last.cells[f"{key}.prev_items"] + last.cells[f"{key}.change"]
    directory.mkdir()
    (directory / "2019.txt").write_bytes(render(last, "txt"))
    (directory / "2020.html").write_bytes(render(this, "html"))
    return directory / "2019.txt", directory / "2020.html"


# (rule, severity, cells, message, the last-year report's file name), stored with 2020.html
CARRY_OVER_FINDINGS = [
    ("CARRY-OVER", "warning", "table3.carried_over.natural_person",
     "表三“自然人”列：本年“二、上年结转”为 0，上年报告“四、结转下年度继续办理”为 3。"
     "请核对（机构调整等原因造成的差异请在正文中说明）。", "2019.txt"),
    ("CARRY-OVER", "warning", "table3.carried_over.total",
     "表三“总计”列：本年“二、上年结转”为 0，上年报告“四、结转下年度继续办理”为 3。"
     "请核对（机构调整等原因造成的差异请在正文中说明）。", "2019.txt"),
]


def die(*args) -> None:
    """A pool task that kills its worker (as a segfault would)."""
    import os

    os._exit(1)
