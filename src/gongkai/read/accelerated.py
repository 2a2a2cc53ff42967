"""The compiled HTML walker (``_htmlwalk.pyx``), when this installation has a usable one.

It is an accelerator only: without a C compiler at install time, with another lxml than the one
it was built against, with a ``.pyx`` edited since the build, or with ``GONGKAI_PURE_PYTHON=1``,
the Python walker in ``html.py`` does the same work.  ``STATUS`` says which one runs and why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from gongkai.read.document import Block

Walk = Callable[[Any], tuple[list[Block], bool]]  # body element -> (blocks, whether the report is the whole body)


def _load() -> tuple[Walk | None, str]:
    from gongkai.settings import current

    if current().pure_python:
        return None, "Python（GONGKAI_PURE_PYTHON 已设置）"
    try:
        from gongkai.read import _htmlwalk
    except ImportError as exc:
        return None, f"Python（未编译 C 加速模块：{exc}）"
    if _htmlwalk.LXML_VERSION != etree.__version__:
        return None, f"Python（C 加速模块按 lxml {_htmlwalk.LXML_VERSION} 编译，当前为 {etree.__version__}）"
    source = Path(__file__).with_name("_htmlwalk.pyx")
    if source.exists() and hashlib.sha256(source.read_bytes()).hexdigest() != _htmlwalk.SOURCE_SHA256:
        # A source tree whose .pyx changed since the last build: the compiled module is stale.
        return None, "Python（_htmlwalk.pyx 在编译后被修改，请重新运行 pip install -e .）"
    return _htmlwalk.walk, "C（_htmlwalk）"


compiled_walk, STATUS = _load()
