"""The compiled accelerators (Cython: ``_htmlwalk.pyx``, ``_pdfpage.pyx``) and whether this
installation may use them.

An accelerator does exactly what Python code beside it does, faster; it is used only when it
was built from its ``.pyx`` as the file is now and ``GONGKAI_PURE_PYTHON`` is not set.  Without
a C compiler at install time, with a ``.pyx`` edited since the build, or with the variable set,
the Python code runs instead.  ``load`` says which one runs and why (shown by the bench scripts
and tested: CI must run the compiled ones).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from gongkai.digest import sha256


def load(name: str) -> tuple[ModuleType | None, str]:
    """(the module ``gongkai.read.<name>``, or None; a Chinese note on which code runs and why)."""
    from gongkai.settings import current

    if current().pure_python:
        return None, "Python（GONGKAI_PURE_PYTHON 已设置）"
    try:
        module = importlib.import_module(f"gongkai.read.{name}")
    except ImportError as exc:
        return None, f"Python（未编译 C 加速模块：{exc}）"
    except Exception as exc:  # noqa: BLE001 - a build older than the classes it checks: never break reading
        return None, f"Python（C 加速模块无法载入，请重新运行 pip install -e .：{type(exc).__name__}：{exc}）"
    source = Path(__file__).with_name(f"{name}.pyx")
    if source.exists() and sha256(source.read_bytes()) != module.SOURCE_SHA256:
        # A source tree whose .pyx changed since the last build: the compiled module is stale.
        return None, f"Python（{name}.pyx 在编译后被修改，请重新运行 pip install -e .）"
    return module, f"C（{name}）"
