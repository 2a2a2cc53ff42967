"""Packages that are also the function they are named for (``gongkai.check(report)``).

The library face promises ``gongkai.load(...)``, ``gongkai.check(...)`` and
``gongkai.render(...)``, and ``load``, ``check`` and ``render`` are also packages of gongkai.
Python binds a package to its parent's attribute when it is first imported, so a plain
function of that name in ``gongkai/__init__.py`` would be replaced by the package as soon as
any code imported it.  Instead each of these packages makes itself callable: whichever way it
was reached, ``gongkai.check`` is the package and calling it runs the check.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, function: Callable[..., Any]) -> None:
    """Calling the module ``module_name`` calls ``function`` (same arguments, same result)."""

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

    CallableModule.__call__.__doc__ = function.__doc__
    CallableModule.__name__ = f"CallableModule[{function.__name__}]"
    sys.modules[module_name].__class__ = CallableModule
