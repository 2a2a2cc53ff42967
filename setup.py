"""Build step for the compiled parts: the HTML walker (src/gongkai/read/_htmlwalk.pyx) and the
PDF page reader's glyph loop and ruling walk (src/gongkai/read/_pdfpage.pyx).

Everything else is in pyproject.toml.  Both are accelerators: where they cannot be built (no C
compiler), gongkai installs anyway and reads HTML and PDF with the same code in Python.
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

PYX = "src/gongkai/read/_htmlwalk.pyx"
PDF_PYX = "src/gongkai/read/_pdfpage.pyx"


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class OptionalBuildExt(build_ext):
    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any build failure leaves the Python walker in place
            self.warn(f"gongkai: C accelerators not built ({exc}); HTML and PDF are read by the Python code")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self.warn(f"gongkai: C accelerator {ext.name} not built ({exc}); the Python code does its work")


def extensions():
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:
        return []
    walker = Extension("gongkai.read._htmlwalk", [PYX], include_dirs=lxml.get_include(),
                       define_macros=[("GONGKAI_PYX_SHA256", f'"{_digest(PYX)}"')])
    # PDF pages: the same arithmetic as pdfpage.py's Python code, so no fused multiply-add.
    pages = Extension("gongkai.read._pdfpage", [PDF_PYX], extra_compile_args=["-ffp-contract=off"],
                      define_macros=[("GONGKAI_PYX_SHA256", f'"{_digest(PDF_PYX)}"')])
    try:
        return cythonize([walker, pages], quiet=True)
    except Exception as exc:  # noqa: BLE001 - as for a failed compile: install without it
        print(f"gongkai: C accelerators not generated ({exc}); HTML and PDF are read by the Python code")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
