"""Shared helpers for the corpus tests: the real example reports and generated ones."""

from __future__ import annotations

import random
from pathlib import Path

from gongkai.corpus.synth import Synthetic, draw, write_reports

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

