"""The compiled HTML walker (``_htmlwalk.pyx``), when this installation has a usable one.

It is an accelerator only: without a C compiler at install time, with another lxml than the one
it was built against, with a ``.pyx`` edited since the build, or with ``GONGKAI_PURE_PYTHON=1``,
the Python walker in ``html.py`` does the same work (``compiled.load`` decides).  ``STATUS`` says
which one runs and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from gongkai.read.compiled import load
from gongkai.read.document import Block

Walk = Callable[[Any], tuple[list[Block], bool]]  # body element -> (blocks, whether the report is the whole body)


def _load() -> tuple[Walk | None, str]:
    module, status = load("_htmlwalk")
    if module is None:
        return None, status
    if module.LXML_VERSION != etree.__version__:
        return None, f"Python（C 加速模块按 lxml {module.LXML_VERSION} 编译，当前为 {etree.__version__}）"
    return module.walk, status


compiled_walk, STATUS = _load()
