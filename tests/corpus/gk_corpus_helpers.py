"""Shared helpers for the corpus tests: the real example reports and generated ones."""

from __future__ import annotations

import random
from pathlib import Path

from gongkai.corpus.synth import Synthetic, draw, render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEEDS = sorted(EXAMPLES.glob("*.txt"))
PDFS = sorted(EXAMPLES.glob("*.pdf"))


def generate(directory: Path, n: int, seed: int = 1, forms=("txt", "html")) -> dict[str, Synthetic]:
    """Write ``n`` generated reports into ``directory``; return file name -> drawn truth."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    truth = {}
    for i in range(n):
        s = draw(rng)
        form = forms[i % len(forms)]
        name = f"gen{seed}_{i:05d}.{form}"
        (directory / name).write_bytes(render(s, form))
        truth[name] = s
    return truth
