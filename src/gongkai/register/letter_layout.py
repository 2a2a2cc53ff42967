"""The shipped DOCX letter templates: the wording of ``data/letters.yaml`` laid out as GB/T 9704
(党政机关公文格式) and written as docxtpl templates that an office can open and edit in Word.

Layout (GB/T 9704-2012): A4; 版心 156 × 225 mm, so margins 37 mm top, 35 mm bottom, 28 mm left,
26 mm right; 22 lines of 28 characters (a line grid of 28.95 pt, also set as exact line spacing, and
characters set 0.25 pt closer); body 三号 (16 pt) 仿宋; title 二号 (22 pt) 小标宋, centred, broken
into lines of at most 18 characters and never inside brackets; page numbers 四号 (14 pt) half-width
"— 1 —", 7 mm below the text block, odd pages right and even pages left, one character in; the
文号, when the event has one, at the top right as in GB/T 9704's 信函格式.

A letter that overflows its one page by a little (the 收费通知书 with its calculation) is fitted onto
it as GB/T 9704 allows (5.2.2: 22 lines "特定情况可以作适当调整"; 7.3.5.4: where the space left cannot
hold the signature and date, "可以采取调整行距、字距的措施解决"): :func:`fit_one_page` tightens every
line pitch and paragraph space in the same proportion, down to ``MIN_PITCH`` (25 pt, 25.5 lines a
page: the standard names no floor; 25 pt keeps more than half a character between lines), never the
三号 characters nor the 28 a line, never dropping text.  A letter longer than that
keeps the standard pitch and runs onto a second page, its last paragraph kept with the signature.

The templates are generated (``python -m gongkai.register.letter_layout``) and shipped in
``data/letters/``; a test keeps them in step with ``letters.yaml``.  Every paragraph has a named
style (公文标题, 文号, 称谓, 正文, 署名, 成文日期) so an office that edits a template in Word keeps
the layout by keeping the styles.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from gongkai import ooxml
from gongkai.render.fonts import set_docx_fonts

# GB/T 9704 page and grid
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
LINE_PITCH = 579                     # twips: 225 mm / 22 lines = 28.95 pt
# 28 characters of 16 pt are 448 pt, the line 442.2 pt: characters are set 0.25 pt closer (w:spacing
# −5 twentieths).  A character grid (docGrid linesAndChars) would do it in Word, but LibreOffice
# then gives each character two cells (14 a line), so the grid is of lines only.
CONDENSE = -5
BODY_PT, TITLE_PT, PAGE_NO_PT = 16, 22, 14   # 三号, 二号, 四号
TITLE_LINE_CHARS = 18                # 156 mm hold 20 二号 characters; a full line looks crowded
MIN_PITCH = 500                      # twips: 25 pt, the tightest pitch a letter is fitted with
TEXT_HEIGHT = round(225 / 25.4 * 1440)   # twips: the text block's height (版心 225 mm)
FOOTER_MM = 25.6                     # mm: the 一字线 of the page number 7 mm below the text block (its glyph
                                     # sits 2.5 mm into the 四号 line; 35 − 7 + 2.5 − line 4.9 mm)

# Font names written into the templates: what Word on an office's machine has.  For PDFs made
# here, letters.to_pdf swaps each for the first installed font of its role (render/style.yaml).
FONTS = {"body": "仿宋", "title": "方正小标宋简体", "page": "宋体", "latin": "Times New Roman"}

STYLES = ("公文标题", "文号", "称谓", "正文", "署名", "成文日期", "页码")
TEMPLATE_DATE = date(2026, 1, 1)   # the shipped templates' own date (their members and core properties)


def width(text: str) -> float:
    """Printed width in full-width characters: ASCII (digits, Latin) counts half."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—“”‘’…" else 1 for ch in text)


def title_lines(title: str, limit: int = TITLE_LINE_CHARS) -> list[str]:
    """The title in lines that each fit: broken before a bracketed part, never inside it."""
    if width(title) <= limit:
        return [title]
    head, sep, tail = title.partition("（")
    if sep and width(head) <= limit and width(sep + tail) <= limit:
        return [head, sep + tail]
    raise ValueError(f"标题“{title}”过长，无法在括号外断行排成两行")


def _spacing(rpr, twentieths: int) -> None:
    el = rpr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        rpr.append(el)
    el.set(qn("w:val"), str(twentieths))


def _style(doc, name: str, size: float, east_asian: str, latin: str, align, *, first_line_chars: int = 0,
           right_chars: float = 0, before_lines: int = 0, pitch: int = LINE_PITCH, condense: int = CONDENSE):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles["Normal"]
    st.quick_style = True
    st.font.size = Pt(size)
    set_docx_fonts(st.element.get_or_add_rPr(), east_asian, latin)
    _spacing(st.element.get_or_add_rPr(), condense)
    f = st.paragraph_format
    f.alignment = align
    f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    f.line_spacing = Twips(pitch)
    f.space_before = Twips(pitch * before_lines)
    f.space_after = Pt(0)
    f.widow_control = False
    ppr = st.element.get_or_add_pPr()
    if first_line_chars or right_chars:
        ind = OxmlElement("w:ind")
        if first_line_chars:   # in characters (Word) and in twips (other readers)
            ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
            ind.set(qn("w:firstLine"), str(round(first_line_chars * size * 20)))
        if right_chars:
            ind.set(qn("w:rightChars"), str(round(right_chars * 100)))
            ind.set(qn("w:right"), str(round(right_chars * size * 20)))
        ppr.append(ind)
    return st


def _page(doc) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    sec.header_distance, sec.footer_distance = Mm(15), Mm(FOOTER_MM)
    sect = sec._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))


def _page_number(paragraph) -> None:
    """"— N —" with a PAGE field."""
    def run(text: str | None = None, fld: str | None = None, instr: bool = False):
        r = paragraph.add_run()
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._element.append(el)
        elif instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
            r._element.append(el)
        else:
            r.text = text
    run("— ")
    run(fld="begin")
    run(instr=True)
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _footers(doc) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    sec = doc.sections[0]
    for footer, align, side in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, "w:right"),
                                (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "w:left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["页码"]
        p.alignment = align
        ind = OxmlElement("w:ind")
        ind.set(qn(side), str(PAGE_NO_PT * 20))   # one character in
        p._p.get_or_add_pPr().append(ind)
        _page_number(p)


def _base(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    set_docx_fonts(normal.element.get_or_add_rPr(), FONTS["body"], FONTS["latin"])
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr")) if defaults is not None else None
    if rpr is not None:   # the grid's character pitch is reckoned from the default size
        set_docx_fonts(rpr, FONTS["body"], FONTS["latin"])
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(BODY_PT * 2))
        # The document's language, which LibreOffice writes as the tagged PDF's /Lang (a screen
        # reader picks its voice by it): Chinese.  Latin text stays en-US by the Normal style.
        rpr.find(qn("w:lang")).set(qn("w:val"), "zh-CN")
    doc.core_properties.language = "zh-CN"
    doc.core_properties.author = "gongkai"
    # Fixed stamps: regenerating the shipped templates changes their bytes only when they change.
    doc.core_properties.created = doc.core_properties.modified = datetime.combine(TEMPLATE_DATE, time())
    doc.core_properties.last_modified_by = "gongkai"
    doc.core_properties.revision = 1
    center, left, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
    body, latin = FONTS["body"], FONTS["latin"]
    title = _style(doc, "公文标题", TITLE_PT, FONTS["title"], FONTS["title"], center, pitch=round(TITLE_PT * 1.5 * 20),
                   condense=0)
    # The title is the letter's heading (outline level 1): the tagged PDF's H1 a screen reader
    # announces, and Word's navigation pane.
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "0")
    title.element.get_or_add_pPr().append(level)
    # 信函格式: the 文号 at the top right of the text block, one empty grid line above the title.
    # GB/T 9704-2012 10.1 says of the title “与其上最后一个要素相距二行”.  Two readings: two lines
    # apart (the title's first grid line two below the 文号's — as set here; printed, 19.5 mm from
    # the 文号's glyphs to the title's, as from the title to the 称谓 that 7.3.3 puts 空一行 below
    # it), or two empty lines (as 7.3.1's 空二行).  Not clear enough to change; see docs/register.md.
    number = _style(doc, "文号", BODY_PT, body, latin, right)
    number.paragraph_format.space_after = Twips(LINE_PITCH)
    _style(doc, "称谓", BODY_PT, body, latin, left, before_lines=1)
    _style(doc, "正文", BODY_PT, body, latin, WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
    # 署名 is centred over the date; letters.render sets its exact right indent per letter.
    sign = _style(doc, "署名", BODY_PT, body, latin, right, right_chars=4, before_lines=1)
    sign.paragraph_format.keep_with_next = True     # the date never alone on a page
    _style(doc, "成文日期", BODY_PT, body, latin, right, right_chars=4)
    _style(doc, "页码", PAGE_NO_PT, FONTS["page"], FONTS["page"], center, pitch=PAGE_NO_PT * 20, condense=0)


def _para(doc, style: str, text: str = "", breaks: list[str] | None = None):
    p = doc.add_paragraph(style=doc.styles[style])
    if breaks:
        for i, line in enumerate(breaks):
            run = p.add_run(line)
            if i < len(breaks) - 1:
                run.add_break()
    elif text:
        p.add_run(text)
    return p


def build(spec: dict, common: dict) -> bytes:
    """One letter template (docxtpl/Jinja tags in the text) from its entry in letters.yaml."""
    doc = Document()
    _page(doc)
    _base(doc)
    _footers(doc)
    body = doc.element.body
    for child in list(body):        # python-docx's template starts with one empty paragraph
        if child.tag == qn("w:p"):
            body.remove(child)
    _para(doc, "文号", "{%p if doc_number %}")
    _para(doc, "文号", "{{ doc_number }}")
    _para(doc, "文号", "{%p endif %}")
    _para(doc, "公文标题", breaks=title_lines(spec["title"]))
    _para(doc, "称谓", spec.get("salutation", common["salutation"]))
    for text in spec["body"]:
        last = _para(doc, "正文", text.replace("[[opening]]", common["opening"]).strip())
    if spec.get("remedy") == "required":
        last = _para(doc, "正文", "{{ remedy }}")
    last.paragraph_format.keep_with_next = True   # the signature and date never alone on a page
    _para(doc, "署名", "{{ agency }}")
    _para(doc, "成文日期", "{{ date }}")
    out = io.BytesIO()
    doc.save(out)
    return ooxml.reproducible(out.getvalue(), TEMPLATE_DATE)


_NOT_FIRST = set("，。、；：？！）》”’」』…")   # never at a line's start (kinsoku)
_NOT_LAST = set("（《“‘「『")                  # never at a line's end
LATIN_EM = 0.56      # a digit or Latin letter of the PDF's face, in full-width characters (Word's: 0.5)
AUTOSPACE = 0.25     # where CJK meets Latin, Word and LibreOffice set a quarter of a character


def line_count(text: str, chars: float = CHARS, first_indent: float = 0) -> int:
    """Lines a paragraph takes at ``chars`` full-width characters a line, reckoned on the safe side:
    CJK one each, a Latin or digit run ``LATIN_EM`` a letter and never broken (letters.to_pdf keeps
    numbers whole), ``AUTOSPACE`` where CJK meets Latin, and LibreOffice's kinsoku — a closing mark
    takes the character before it to the next line, an opening mark goes with the one after it."""
    tokens: list[str] = []
    for ch in text:
        if width(ch) == 0.5 and not ch.isspace() and tokens and width(tokens[-1][-1]) == 0.5 \
                and not tokens[-1][-1].isspace():
            tokens[-1] += ch
        else:
            tokens.append(ch)

    def size(tok: str) -> float:
        return LATIN_EM * len(tok) if width(tok[0]) == 0.5 and not tok.isspace() else width(tok)

    lines: list[list[str]] = [[]]
    used = float(first_indent)
    for tok in tokens:
        line = lines[-1]
        prev = line[-1] if line else None
        gap = AUTOSPACE if prev and (width(prev[0]) == 0.5) != (width(tok[0]) == 0.5) else 0.0
        if used + gap + size(tok) <= chars + 1e-9 or not line:
            line.append(tok)
            used += gap + size(tok)
            continue
        carried = [tok]
        if tok in _NOT_FIRST and len(line) > 1:
            carried.insert(0, line.pop())
        while len(line) > 1 and line[-1] in _NOT_LAST:
            carried.insert(0, line.pop())
        lines.append(carried)
        used = sum(size(t) for t in carried)
    return len(lines)


def _exact_styles(doc) -> list:
    return [st for st in doc.styles if st.type == WD_STYLE_TYPE.PARAGRAPH and st.name in STYLES
            and st.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY]


def text_height(doc, grid: int = LINE_PITCH) -> int:
    """The height in twips the body's paragraphs take on the page (one column, each paragraph of one
    of our exact-spaced styles), on a line grid of ``grid`` twips: a line taller than the grid (the
    title's) takes two grid lines."""
    total = 0
    for p in doc.paragraphs:
        st = p.style     # one of ours, exact (fit_one_page checks): the style says it all
        f = st.paragraph_format
        pitch = f.line_spacing.twips
        before, after = f.space_before or 0, f.space_after or 0
        size = st.font.size.pt if st.font.size else BODY_PT
        indent = 2 if st.name == "正文" else 0
        lines = sum(line_count(line, CHARS * BODY_PT / size, indent if i == 0 else 0)
                    for i, line in enumerate(p.text.split("\n")))
        pitch = -(-pitch // grid) * grid
        total += int(before) // 635 + lines * pitch + int(after) // 635   # EMU -> twips
    return total


def fit_one_page(doc) -> int | None:
    """Tighten the letter's line pitch so that it fits one page, when its text overflows by no more
    than ``MIN_PITCH`` allows; returns the pitch set (twips), or None (it fits already, or it is a
    letter of two pages).  Only the shipped layout's styles are touched: an office template laid
    out otherwise — a paragraph of another style or with its own spacing, a table, a picture, a
    second section: what :func:`text_height` does not measure — is left as its office made it."""
    styles = _exact_styles(doc)
    body = next((st for st in styles if st.name == "正文"), None)
    if body is None or body.paragraph_format.line_spacing.twips != LINE_PITCH:
        return None
    xml = doc.element.body
    if doc.tables or len(doc.sections) != 1 or xml.find(".//" + qn("w:drawing")) is not None \
            or xml.find(".//" + qn("w:pict")) is not None:
        return None
    for p in doc.paragraphs:
        f = p.paragraph_format
        if p.style not in styles or any(v is not None for v in (f.line_spacing, f.space_before, f.space_after)):
            return None
    needed = text_height(doc)
    if needed <= TEXT_HEIGHT:
        return None
    pitch = (LINE_PITCH * TEXT_HEIGHT) // needed - 2        # 2 twips to spare for rounding
    if pitch < MIN_PITCH:
        return None
    scale = pitch / LINE_PITCH
    for st in styles:
        f = st.paragraph_format
        if st.name == "页码":
            continue
        f.line_spacing = Twips(round(f.line_spacing.twips * scale))
        for attr in ("space_before", "space_after"):
            value = getattr(f, attr)
            if value:
                setattr(f, attr, Twips(round(value.twips * scale)))
    for sect in doc.element.body.iter(qn("w:sectPr")):
        grid = sect.find(qn("w:docGrid"))
        if grid is not None:
            grid.set(qn("w:linePitch"), str(pitch))
    return pitch


def document_text(docx: bytes) -> str:
    """The body XML's text per paragraph (what the sync test compares)."""
    doc = Document(io.BytesIO(docx))
    return "\n".join(f"{p.style.name if p.style else ''}|{p.text}" for p in doc.paragraphs)


def write_all(letters: dict, outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for letter_id, spec in letters["letters"].items():
        path = outdir / f"{letter_id}.docx"
        path.write_bytes(build(spec, letters["common"]))
        paths.append(path)
    return paths


def main() -> None:
    """Regenerate the shipped templates: ``python -m gongkai.register.letter_layout``."""
    from importlib import resources

    from gongkai.register.settings import load_data

    outdir = Path(str(resources.files("gongkai.register").joinpath("data", "letters")))
    for path in write_all(load_data("letters.yaml"), outdir):
        print(path)


if __name__ == "__main__":
    main()
