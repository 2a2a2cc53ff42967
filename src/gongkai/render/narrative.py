"""The narrative of a section, written in Markdown by the clerk, for each output form.

Raw HTML in the Markdown is not passed through (it is shown as text): a report source is
data, and the HTML page must stay self-contained and safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from gongkai import regex

# ``breaks``: a clerk writes one paragraph per line, as in Word; a line break starts a new one.
# No Markdown tables (a narrative table would be taken for a report table by readers; its
# pipes stay visible text) and no images (the page must load nothing from outside).
_MD = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable("image")
_BREAK = "\n"


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    kind: str                 # paragraph | heading | item | quote
    runs: list[Run] = field(default_factory=list)
    level: int = 0            # heading level, list depth

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def to_html(text: str) -> str:
    """HTML of the narrative.  Markdown headings become bold paragraphs: inside a section they
    are sub-headings (（二）依申请公开), and a reader must not take them for section headings."""
    tokens = _one_paragraph_a_line(_MD.parse(text))
    for n, token in enumerate(tokens):
        classes = []
        if token.type == "heading_open":
            classes.append(f"subheading level{token.tag[1]}")
        if token.type in ("paragraph_open", "heading_open") and n + 1 < len(tokens) and is_todo(tokens[n + 1].content):
            classes.append("todo")  # a line the clerk must still write (report.css)
        if classes:
            token.attrSet("class", " ".join(classes))
        if token.type in ("heading_open", "heading_close"):
            token.tag = "p"
    return _MD.renderer.render(tokens, _MD.options, {})


def todo_marks() -> list[str]:
    """The marks of a line a clerk must still write (【待办】): the checker's TEXT-PLACEHOLDER
    marks.  A draft shown or built anyway shows such a line highlighted, never filled."""
    from gongkai.check.catalogue import data

    return list(data()["placeholder_marks"])


def is_todo(text: str) -> bool:
    return any(m in text for m in todo_marks())


def _closing(opening):
    """The closing token of an inline opening one (``strong_open`` → ``strong_close``)."""
    token = opening.copy()
    token.type = opening.type.replace("_open", "_close")
    token.nesting = -1
    token.attrs = {}
    return token


def _one_paragraph_a_line(tokens: list) -> list:
    """A paragraph's lines as paragraphs of their own, as the DOCX sets them (``_split``): each
    line is a paragraph the clerk wrote, and gets its first-line indent (a ``<br>`` inside one
    ``<p>`` left every line after the first flush left).  A tight list item's hidden paragraph
    keeps its ``<br>``: it has no ``<p>`` to repeat."""
    out: list = []
    i = 0
    while i < len(tokens):
        opening = tokens[i]
        if (opening.type == "paragraph_open" and not opening.hidden and i + 2 < len(tokens)
                and any(c.type == "softbreak" for c in tokens[i + 1].children or [])):
            inline, closing = tokens[i + 1], tokens[i + 2]
            lines: list[list] = [[]]
            open_marks: list = []  # emphasis or a link running over the break: closed and reopened
            for child in inline.children:
                if child.type == "softbreak":
                    lines[-1] += [_closing(m) for m in reversed(open_marks)]
                    lines.append([m.copy() for m in open_marks])
                    continue
                if child.nesting == 1:
                    open_marks.append(child)
                elif child.nesting == -1 and open_marks:
                    open_marks.pop()
                lines[-1].append(child)
            for line in lines:
                if not "".join(c.content for c in line).strip():
                    continue
                part = inline.copy()
                part.children = line
                part.content = "".join(c.content for c in line)
                out += [opening.copy(), part, closing.copy()]
            i += 3
            continue
        out.append(opening)
        i += 1
    return out


_MD_HEADING = regex.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def to_markdown(text: str) -> str:
    """The narrative for a Markdown report: headings demoted to bold lines (see ``to_html``)."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        m = None if fenced else _MD_HEADING.match(line)
        out.append(f"**{m.group(1)}**" if m else line)
        # One paragraph per line (as the source means it) also in viewers that join lines.
        if not fenced and line.strip() and not _GROUPED_LINE.match(line):
            out.append("")
    return "\n".join(out).strip("\n")


_GROUPED_LINE = regex.compile(r"^\s*(?:[-*+>|]|\d+[.)]\s)")


def blocks(text: str) -> list[Block]:
    """Paragraph-level blocks with bold/italic runs, for DOCX."""
    out: list[Block] = []
    quote = 0
    depth = 0
    pending: Block | None = None
    ordinal: list[int] = []
    for token in _MD.parse(text):
        if token.type == "blockquote_open":
            quote += 1
        elif token.type == "blockquote_close":
            quote -= 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            ordinal.append(0 if token.type == "ordered_list_open" else -1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            ordinal.pop()
        elif token.type == "list_item_open":
            if ordinal and ordinal[-1] >= 0:
                ordinal[-1] += 1
        elif token.type == "heading_open":
            pending = Block("heading", level=int(token.tag[1]))
        elif token.type == "paragraph_open":
            kind = "quote" if quote else ("item" if depth else "paragraph")
            pending = Block(kind, level=depth)
            if kind == "item" and ordinal:
                marker = f"{ordinal[-1]}." if ordinal[-1] >= 0 else "•"
                pending.runs.append(Run(marker + " "))
        elif token.type == "inline" and pending is not None:
            pending.runs += _runs(token.children or [])
        elif token.type in ("paragraph_close", "heading_close") and pending is not None:
            out += _split(pending)
            pending = None
        elif token.type in ("fence", "code_block"):
            out += [Block("paragraph", [Run(line)]) for line in token.content.splitlines() if line.strip()]
    return out


def _runs(children) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    for child in children:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline", "html_inline"):
            runs.append(Run(child.content, bold, italic))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(Run(_BREAK))
    return runs


def _split(block: Block) -> list[Block]:
    """One block per line of a paragraph (see ``breaks`` above)."""
    out = [Block(block.kind, level=block.level)]
    for run in block.runs:
        if run.text == _BREAK:
            out.append(Block(block.kind if block.kind != "item" else "paragraph", level=block.level))
        else:
            out[-1].runs.append(run)
    return [b for b in out if b.text.strip()]
