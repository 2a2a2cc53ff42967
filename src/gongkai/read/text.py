"""Plain text and Markdown: lines to paragraphs and table rows.

A line is a table row when it has tabs, when it is a Markdown pipe row, or when it is a
short label followed only by numbers separated by spaces (text pasted from a flattened page).
A run of such lines becomes one ``Grid`` whose columns are *not* trusted (``exact=False``):
text exports drop merged cells and shift rows, so extraction realigns every row against the
format instead of against its neighbours.
"""

from __future__ import annotations

from gongkai import regex
from gongkai.model import at_line, line_cell
from gongkai.read.document import Document, Grid, GridCell, Paragraph

_SEPARATOR_CELL = regex.compile(r"^:?-{3,}:?$")
_NUMBER_TOKEN = regex.compile(r"^[+\-]?\d[\d,，]*(?:\.\d+)?$|^[/—\-–－]+$")
_MD_HEADING = regex.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_MD_EMPHASIS = regex.compile(r"\*\*|__")


def _strip_markup(text: str) -> str:
    if "*" in text or "_" in text:
        text = _MD_EMPHASIS.sub("", text)
    return text.strip()


def _split_pipes(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _space_row(line: str) -> list[str] | None:
    """``规章 0 0 0`` -> ["规章", "0", "0", "0"]; None when the line is prose."""
    tokens = line.split()
    if len(tokens) < 2:
        return None
    first_number = next((i for i, t in enumerate(tokens) if _NUMBER_TOKEN.match(t)), None)
    if first_number is None:
        return None
    if not all(_NUMBER_TOKEN.match(t) for t in tokens[first_number:]):
        return None
    # Keep the spaces: they may separate cells (group | row label) or spell a label out.
    label = " ".join(tokens[:first_number])
    if len(label) > 80 or any(p in label for p in "。；;"):
        return None
    if not label and len(tokens) < 3:
        return None
    return ([label] if label else []) + tokens[first_number:]


_FUSED_LINE = regex.compile(r"^([\u4e00-\u9fff（）()、“”]{2,20}[\u4e00-\u9fff）)”])(\d{2,})$")


def _fused_row(line: str) -> list[str] | None:
    """``行政规范性文件693665``: a label with its numbers run together (a flattened page)."""
    m = _FUSED_LINE.match(line.strip())
    return [line.strip()] if m else None


def read_text(text: str, name: str, form: str = "txt") -> Document:
    doc = Document(name=name, form=form)
    rows: list[list[GridCell]] = []
    grid_start = 0

    def flush_grid() -> None:
        nonlocal rows
        if rows:
            doc.blocks.append(Grid(rows, at_line(grid_start), exact=False))
            rows = []

    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r\n")
        if not line.strip():
            flush_grid()
            continue
        cells: list[str] | None = None
        if "\t" in line:
            cells = [_strip_markup(c) for c in line.split("\t")]
        elif line.count("|") >= 2 and line.lstrip().startswith("|"):
            cells = [_strip_markup(c) for c in _split_pipes(line)]
        else:
            cells = _space_row(_strip_markup(line)) or _fused_row(_strip_markup(line))
            if cells is not None:  # a guess: kept apart so that prose can be given back
                flush_grid()
                doc.blocks.append(Grid([[GridCell(c, line_cell(number, i + 1)) for i, c in enumerate(cells)]],
                                       at_line(number), exact=False, loose=True))
                continue
        if cells is not None:
            if all(not c or _SEPARATOR_CELL.match(c) for c in cells):
                continue  # Markdown separator or a row of dashes
            if not rows:
                grid_start = number
            rows.append([GridCell(c, line_cell(number, i + 1)) for i, c in enumerate(cells)])
            continue
        flush_grid()
        m = _MD_HEADING.match(line)
        if m and form in ("md", "txt") and m.group(1):
            doc.blocks.append(Paragraph(_strip_markup(m.group(2)), at_line(number), heading=True))
        else:
            doc.blocks.append(Paragraph(_strip_markup(line), at_line(number)))
    flush_grid()
    return doc
