from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


def seed(prefix: str) -> Path:
    """examples/000_….txt by its number."""
    return next(EXAMPLES.glob(f"{prefix}_*.txt"))
