"""Report -> Markdown: readable as text, and read back by gongkai's own Markdown reader.

Markdown has no merged cells, so each table is drawn on the official grid with the text of a
merged cell in its top-left position and the cells it covers left empty.  Value columns are
right-aligned (``---:``).
"""

from __future__ import annotations

from gongkai.model import Report
from gongkai.render import common, narrative
from gongkai.render.layout import VALUE, TableLayout, layouts


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(t: TableLayout) -> str:
    grid = [[""] * t.columns for _ in range(t.rows)]
    numeric = [False] * t.columns
    for c in t.cells:
        grid[c.row][c.col] = _escape(c.text)
        if c.kind == VALUE:
            numeric[c.col] = True
    lines = ["| " + " | ".join(grid[0]) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    tables = layouts(report)
    out = [f"# {common.title(report)}", ""]
    if report.preamble:
        out += [narrative.to_markdown(report.preamble), ""]
    for section, table in common.outline(report):
        out += [f"## {common.section_heading(section.no, section.title)}", ""]
        if section.text:
            out += [narrative.to_markdown(section.text), ""]
        if table:
            out += [table_markdown(tables[table]), ""]
    if report.agency:
        out += [report.agency, ""]
    if report.published:
        out += [common.date_zh(report.published), ""]
    return "\n".join(out)
