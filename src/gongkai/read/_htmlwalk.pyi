# Types of the compiled walk (_htmlwalk.pyx) for mypy; the module itself is built at install time.
from typing import Any

from gongkai.read.document import Block

LXML_VERSION: str
SOURCE_SHA256: str

def walk(body: Any) -> tuple[list[Block], bool]: ...
