"""What the HTML reader knows about tags and text: shared by the Python walker (``html.py``) and
its compiled twin (``_htmlwalk.pyx``), so both follow one set of rules."""

from __future__ import annotations

from gongkai import regex

# Elements whose content is never report text; removed before the walk (their tail is kept).
DROP_TAGS = ("script", "style", "noscript", "template", "svg", "button", "select", "textarea",
             "input", "iframe", "object", "embed", "head")
# Elements that end the paragraph before them and start a new one.
BLOCK_TAGS = frozenset(("p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
                        "ol", "blockquote", "pre", "dd", "dt", "dl", "header", "footer", "nav", "aside", "center",
                        "tr", "td", "th", "table", "tbody", "thead", "form", "fieldset", "address", "figure",
                        "figcaption", "hr", "caption"))
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Elements a section heading is printed in, outside the tables (Word markup nests them freely).
HEADING_CANDIDATES = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "strong", "b", "font", "span"))
HEADING_FIRST = frozenset("一二三四五六")
SECTION_HEADING = regex.compile(r"^\s*[一二三四五六]\s*[、.．]")
# Words that only the tables of the report carry: a table with none of them is page layout or chrome.
REPORT_TABLE = regex.compile(r"申请人情况|第二十条|行政复议|信息内容|勾稽")
SPACES = regex.compile(r"[ \t\r\n\f\v\u00a0\u3000\u2002\u2003\u200b]+")
MAX_SPAN = 100  # a larger rowspan/colspan is a typo (colspan="1000"), not a table that wide


def clean(text: str) -> str:
    """Runs of spaces (ASCII, NBSP, ideographic) to one, ends stripped."""
    if text.isprintable() and "  " not in text:  # no newline, tab, NBSP, ideographic space …
        return text.strip()
    return SPACES.sub(" ", text).strip()


def span(value: str | None) -> int:
    """A rowspan/colspan attribute as a count: 1 when missing or unreadable, at most MAX_SPAN."""
    if value is None or value == "1":
        return 1
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip().rstrip(";"))))
    except (TypeError, ValueError):
        return 1
