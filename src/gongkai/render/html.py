"""Report -> one self-contained HTML page: inline CSS, no scripts, no external resources,
``<th scope>`` headers and real rowspan/colspan, printable on A4."""

from __future__ import annotations

from html import escape
from importlib import resources

from gongkai.model import Report
from gongkai.render import common, fonts, narrative
from gongkai.render.layout import FILLER, GROUP, LABEL, NOTE, VALUE, TableLayout, layouts


def _css() -> str:
    page = common.style()["page"]
    variables = [f"--font-{role}: {fonts.css_stack(role)};" for role in ("title", "heading", "body", "table")]
    variables += [f"--margin-{side}: {page[f'margin_{side}_cm']}cm;" for side in ("top", "bottom", "left", "right")]
    css = resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")
    # Column widths as rules, not inline styles, so that the phone's rules in report.css can
    # set table 3's label columns to the widths its sticky offsets assume.
    cols = [f"table.{name} col:nth-child({i}) {{ width: {w * 100:.2f}%; }}"
            for name in TABLES for i, w in enumerate(common.widths(name), 1)]
    return ":root { " + " ".join(variables) + " }\n" + "\n".join(cols) + "\n" + css


TABLES = ("table2", "table3", "table4")
SCROLLING = ("table3", "table4")  # wider than a phone (report.css)


def _attrs(**attrs) -> str:
    return "".join(f' {k}="{escape(str(v))}"' for k, v in attrs.items() if v not in (None, 1, ""))


def table_html(t: TableLayout) -> str:
    out = [f'<table class="official {t.name}">', "<colgroup>" + "<col>" * t.columns + "</colgroup>"]
    for r in range(t.rows):
        if r == 0 and t.header_rows:
            out.append("<thead>")
        if r == t.header_rows and t.header_rows:
            out.append("</thead><tbody>")
        elif r == 0 and not t.header_rows:   # a <tbody> inside the <thead> emptied it: no header repeated in print
            out.append("<tbody>")
        # a row a printed page may start with (layout.may_break_before); the others keep with the row above
        out.append('<tr class="may-break">' if t.may_break_before(r) else "<tr>")
        for c in t.row_cells(r):
            span = _attrs(rowspan=c.rowspan, colspan=c.colspan)
            text = escape(c.text)
            if c.kind == VALUE:
                out.append(f'<td class="num"{span}>{text}</td>')
            elif c.kind == NOTE:
                out.append(f'<td class="note at0"{span}>{text}</td>')
            elif c.kind == FILLER:
                out.append(f"<td{span}></td>")
            else:
                # ``at0``…: the grid column a row label starts in (the phone keeps them in view)
                cls = "group" if c.kind == GROUP else f"at{c.col}" if c.kind == LABEL else ""
                out.append(f'<th scope="{c.scope}"{_attrs(**{"class": cls})}{span}>{text}</th>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(report: Report) -> str:
    title = common.title(report)
    tables = layouts(report)
    # Each line of the title a block (the report's name on a line of its own, as on paper), each
    # part of a line unbreakable: a narrow page breaks a long name between its parts, never in a word.
    lines = ("".join(f"<span>{escape(part)}</span>" for part in common.name_parts(line))
             for line in common.title_lines(report))
    body = ["<h1>" + "".join(f"<span>{line}</span>" for line in lines) + "</h1>"]
    if report.preamble:
        body.append(narrative.to_html(report.preamble))
    for section, table in common.outline(report):
        body.append(f'<section id="s{section.no}">')
        body.append(f'<h2 id="h{section.no}">{escape(common.section_heading(section.no, section.title))}</h2>')
        if section.text:
            body.append(narrative.to_html(section.text))
        if table:
            # A box of its own: on a phone a wide table scrolls in it, not the page (report.css);
            # one that can scroll is a named region a keyboard can reach (table 2 always fits).
            region = f' role="region" tabindex="0" aria-labelledby="h{section.no}"' if table in SCROLLING else ""
            body.append(f'<div class="table-box"{region}>{table_html(tables[table])}</div>')
        body.append("</section>")
    agency, when = common.closing(report)
    if agency or when:  # one block: the date two characters right of the name's start (report.css)
        body.append('<div class="closing">' + (f'<p class="signature">{escape(agency)}</p>' if agency else "")
                    + (f'<p class="date">{escape(when)}</p>' if when else "") + "</div>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"gongkai\">\n<title>{escape(title)}</title>\n"
            f"<style>\n{_css()}</style>\n</head>\n<body>\n<main class=\"report\">\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
