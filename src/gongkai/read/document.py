"""What a reader produces: the text blocks of one file, in reading order, with positions.

Every reader (text, Markdown, HTML, DOCX, PDF, OCR) turns its input into a ``Document`` so
that extraction is a single code path.  A ``Grid`` is a table expanded to a dense matrix:
a merged cell keeps its text at its top-left position and the positions it covers hold
``covered=True`` cells pointing back at it.  Text readers, which cannot see merges, simply
emit the cells they find on each line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.model import Where


@dataclass(slots=True)
class GridCell:
    text: str
    where: Where | None = None
    covered: bool = False          # part of a merged cell whose text stands elsewhere
    origin: tuple[int, int] | None = None  # (row, col) of the merged cell's text
    confidence: float | None = None  # OCR confidence


@dataclass
class Paragraph:
    text: str
    where: Where | None = None
    heading: bool = False  # marked as a heading by the source (<h2>, "## ", Word style)


@dataclass
class Grid:
    rows: list[list[GridCell]]
    where: Where | None = None
    exact: bool = True  # True when the columns are real (HTML, DOCX, PDF ruling lines)
    loose: bool = False  # a line of prose that only looked like a row (text split at spaces)


Block = Paragraph | Grid


@dataclass
class Document:
    name: str
    form: str  # txt | md | html | docx | doc | pdf
    sha256: str = ""
    blocks: list[Block] = field(default_factory=list)
    title_hint: str | None = None  # e.g. HTML <title>, document properties
    pages: int | None = None
    notes: list[str] = field(default_factory=list)
