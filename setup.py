"""Build step for the one compiled part: the HTML walker (src/gongkai/read/_htmlwalk.pyx).

Everything else is in pyproject.toml.  The walker is an accelerator: where it cannot be built
(no C compiler), gongkai installs anyway and reads HTML with the same walk in Python.
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

PYX = "src/gongkai/read/_htmlwalk.pyx"


class OptionalBuildExt(build_ext):
    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any build failure leaves the Python walker in place
            self.warn(f"gongkai: C accelerator not built ({exc}); HTML is read by the Python walker")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self.warn(f"gongkai: C accelerator {ext.name} not built ({exc}); HTML is read by the Python walker")


def extensions():
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:
        return []
    digest = hashlib.sha256(Path(PYX).read_bytes()).hexdigest()
    walker = Extension("gongkai.read._htmlwalk", [PYX], include_dirs=lxml.get_include(),
                       define_macros=[("GONGKAI_PYX_SHA256", f'"{digest}"')])
    try:
        return cythonize([walker], quiet=True)
    except Exception as exc:  # noqa: BLE001 - as for a failed compile: install without it
        print(f"gongkai: C accelerator not generated ({exc}); HTML is read by the Python walker")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
