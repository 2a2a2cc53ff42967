"""What a reader produces: the text blocks of one file, in reading order, with positions.

Every reader (text, Markdown, HTML, DOCX, PDF, OCR) turns its input into a ``Document`` so
that extraction is a single code path.  A ``Grid`` is a table expanded to a dense matrix:
a merged cell keeps its text at its top-left position and the positions it covers hold
``covered=True`` cells pointing back at it.  Text readers, which cannot see merges, simply
emit the cells they find on each line.
"""

from __future__ import annotations

from gongkai.model import Where
from gongkai.records import field, record


@record(slots=True)
class GridCell:
    text: str
    where: Where | None = None
    covered: bool = False          # part of a merged cell whose text stands elsewhere
    origin: tuple[int, int] | None = None  # (row, col) of the merged cell's text
    confidence: float | None = None  # OCR confidence


@record
class Paragraph:
    text: str
    where: Where | None = None
    heading: bool = False  # marked as a heading by the source (<h2>, "## ", Word style)


@record
class Grid:
    rows: list[list[GridCell]]
    where: Where | None = None
    exact: bool = True  # True when the columns are real (HTML, DOCX, PDF ruling lines)
    loose: bool = False  # a line of prose that only looked like a row (text split at spaces)


@record
class Run:
    """One row of a table whose cells a crawler ran together: its label as printed and its
    digits as printed (spaces kept: they may separate cells, or be padding)."""

    row: str  # row id of the format (``granted``, ``art20_1.rules``; table 4: ``all``)
    label: str
    text: str
    where: Where | None = None  # where the digits start (``line`` and ``char``)
    label_where: Where | None = None


@record
class RunTable:
    """A table read from flattened text (``read/crawler.py``): rows named by the format's label
    sequence, cells still to be recovered from the digits (``extract/recover.py``)."""

    table: str  # table2 | table3 | table4
    runs: list[Run]
    where: Where | None = None
    version: str | None = None  # table 2: the version its column headers point to
    headers: list[tuple[str, str, Where | None]] = field(default_factory=list)  # (printed, official) variants
    extra: list[Run] = field(default_factory=list)  # labelled digits the format has no row for


Block = Paragraph | Grid | RunTable


@record
class Document:
    name: str
    form: str  # txt | md | html | docx | doc | pdf
    sha256: str = ""
    blocks: list[Block] = field(default_factory=list)
    title_hint: str | None = None  # e.g. HTML <title>, document properties
    # What a crawler's header said of the page (model.Source.PAGE: posted, url, issuer, doc_no).
    page: dict[str, str] = field(default_factory=dict)
    pages: int | None = None
    notes: list[str] = field(default_factory=list)
    # Pages left unread because they need OCR and it is not installed, said in words: if no
    # report is found in the rest, that is the likelier reason (a damaged font map, a scan).
    unread: str | None = None
