"""Page geometry to grids: rulings to merged cells, page furniture, rows cut by a page break."""

from __future__ import annotations

from gongkai.read.assemble import PageLayout, build_document, is_page_number
from gongkai.read.document import Document, Grid
from gongkai.read.layout import Glyph, Segment, fill_tables, find_tables, group_lines


def _grid_segments(xs, ys, skip_v=(), skip_h=()):
    """Full rulings at xs/ys; skip_v: (x index, row index) pieces left out (merges across)."""
    segs = []
    for i, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if (i, r) not in skip_v:
                segs.append(Segment("v", x, ys[r], ys[r + 1]))
    for j, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if (j, c) not in skip_h:
                segs.append(Segment("h", y, xs[c], xs[c + 1]))
    return segs


def _text(text, x, y, size=10.0):
    return [Glyph(ch, x + i * size, y, x + (i + 1) * size, y + size, size) for i, ch in enumerate(text)]


def test_read_binary_rulings_give_merged_cells():
    xs, ys = [50, 150, 200, 250], [100, 120, 140, 160]
    # row 0: one cell over all three columns; column 0 rows 1-2 merged downwards
    segs = _grid_segments(xs, ys, skip_v={(1, 0), (2, 0)}, skip_h={(2, 0)})
    [table] = find_tables(segs)
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert table.origin[(0, 2)] == (0, 0) and table.origin[(2, 0)] == (1, 0)
    assert table.origin[(2, 1)] == (2, 1)
    rest = fill_tables([table], _text("表头", 60, 105) + _text("7", 160, 145) + _text("正文", 60, 300))
    assert table.texts == {(0, 0): "表头", (2, 1): "7"}
    assert [line.text for line in group_lines(rest)] == ["正文"]


def test_read_binary_open_table_is_closed_by_its_verticals():
    # A fragment at a page top: no top ruling; the first row must still be read.
    xs, ys = [50, 150, 250], [72, 100, 130]
    segs = [s for s in _grid_segments(xs, ys) if not (s.orient == "h" and s.pos == 72)]
    [table] = find_tables(segs)
    assert table.n_rows == 2 and table.open_top and not table.open_bottom
    fill_tables([table], _text("信息内容", 55, 80))
    assert table.texts[(0, 0)] == "信息内容"


def test_read_binary_page_numbers_recognised():
    for text in ("-3-", "- 3 -", "— 3 —", "第3页", "第 3 页 共 12 页", "3/12", "12"):
        assert is_page_number(text), text
    for text in ("3119", "一、总体情况", "2024年"):
        assert not is_page_number(text), text


def _page(number, rows, xs, ys, top_text=None):
    table = find_tables(_grid_segments(xs, ys))[0]
    glyphs = []
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            if text:
                glyphs += _text(text, xs[c] + 2, ys[r] + 4, size=8)
    rest = fill_tables([table], glyphs + _text(f"- {number} -", 280, 800))
    return PageLayout(number, 595, 842, [table], group_lines(rest))


def test_read_binary_row_cut_by_page_break_is_rejoined_and_footer_dropped():
    xs = [50, 200, 260, 320, 380]
    p1 = _page(1, [["2.其他法律行政法规", "5", "0", "5"]], xs, [600, 640])
    p2 = _page(2, [["禁止公开", "", "", ""], ["3.危及安全", "1", "0", "1"]], xs, [72, 100, 130])
    doc = build_document(Document("x.pdf", "pdf"), [p1, p2])
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert [c.text for c in grids[0].rows[0]] == ["2.其他法律行政法规禁止公开", "5", "0", "5"]
    assert [c.text for c in grids[1].rows[0]] == ["3.危及安全", "1", "0", "1"]
    assert len(grids[1].rows) == 1
    assert not [b for b in doc.blocks if not isinstance(b, Grid)]  # "- 1 -", "- 2 -" dropped
    assert doc.pages == 2


def test_read_binary_numbered_row_at_page_top_is_not_glued():
    # A row of its own with blank numbers (a report leaving it empty) stays a row.
    xs = [50, 200, 260, 320, 380]
    p1 = _page(1, [["5.要求确认", "1", "0", "1"]], xs, [600, 640])
    p2 = _page(2, [["（六）其他处理", "", "", ""]], xs, [72, 100])
    doc = build_document(Document("x.pdf", "pdf"), [p1, p2])
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert grids[0].rows[0][0].text == "5.要求确认"
    assert grids[1].rows[0][0].text == "（六）其他处理"


def test_read_binary_text_layer_without_unicode_map_is_not_usable():
    from gongkai.read.pdfpage import usable_text

    good = _text("本年新收政府信息公开申请数量3119", 0, 0)
    garbled = [Glyph(chr(0xE000 + i), i, 0, i + 1, 1) for i in range(30)]  # private-use codes
    assert usable_text(good) == 1.0
    assert usable_text(garbled) == 0.0
    assert usable_text(good + garbled) < 0.5


def test_read_binary_running_header_dropped_body_kept():
    pages = []
    for n in (1, 2, 3):
        glyphs = _text("淮安市人民政府信息公开年报", 200, 30) + _text(f"第{n}段正文。", 100, 300)
        if n == 1:
            glyphs += _text("标题在页眉区只出现一次", 150, 50)
        pages.append(PageLayout(n, 595, 842, [], group_lines(glyphs)))
    doc = build_document(Document("x.pdf", "pdf"), pages)
    texts = [b.text for b in doc.blocks]
    assert "淮安市人民政府信息公开年报" not in texts
    assert texts[0] == "标题在页眉区只出现一次"
    # One body line per page, each as wide as the text column: read as one running paragraph.
    assert texts[1:] == ["第1段正文。第2段正文。第3段正文。"]


def test_read_binary_borderless_rows_from_gaps():
    from gongkai.read.assemble import row_words

    def line(*words, gap=30.0):
        glyphs, x = [], 50.0
        for w in words:
            glyphs += _text(w, x, 100)
            x += len(w) * 10 + gap
        return group_lines(glyphs)[0]

    assert row_words(line("规章", "0", "0", "1")) == ["规章", "0", "0", "1"]
    assert row_words(line("0", "0", "6", "8", "14")) == ["0", "0", "6", "8", "14"]
    assert row_words(line("行政事业性收费", "96171.6")) == ["行政事业性收费", "96171.6"]
    assert row_words(line("全年共受理申请", "3119", "件。")) is None  # words after the number
    assert row_words(line("2024年，全市共受理申请3119件", gap=2)) is None  # prose, no column gaps
    assert row_words(line("2024")) is None


def test_read_binary_scanned_pages_measured_two_ways_keep_their_paragraphs():
    """A scanned report's line sizes are the heights of its lines' boxes, which depend on how the
    lines were found: boxes cut from the ink (ocrgrid) make 16 pt text 18.4 pt high, the text
    detector's 15.8 pt, and one report may have pages of both kinds (a noisy page is detected
    whole), and on one page the few lines the detector found among lines cut from the ink.  Each
    scanned page with enough text has its own body size, so the indented first lines of both
    pages start paragraphs (with one body size for the report, the page in the minority lost its
    paragraph breaks), and a scanned line's size is compared with some room (SCANNED_NEAR_BODY,
    SCANNED_SIZE_CHANGE)."""

    def line(char, n, x, y, height):
        return [Glyph(char, x + i * 16, y, x + (i + 1) * 16, y + height, height) for i in range(n)]

    def page(number, height, paragraphs):
        glyphs, y = [], 150.0
        for char, lengths in paragraphs:
            for k, n in enumerate(lengths):
                glyphs += line(char, n, 132 if k == 0 else 100, y, height)
                y += 28
        layout = PageLayout(number, 595, 842, [], group_lines(glyphs))
        layout.scanned = True
        return layout

    cut = page(1, 18.4, [("甲", (23, 25, 25)), ("乙", (23, 25))])
    detected = page(2, 15.8, [("丙", (23, 25, 25)), ("丁", (23, 25, 10))])
    for pages in ([cut, detected], [detected, cut]):
        doc = build_document(Document("scan.pdf", "pdf"), pages)
        assert [b.text[0] + str(len(b.text)) for b in doc.blocks] == (
            ["甲73", "乙48", "丙73", "丁58"] if pages[0] is cut else ["丙73", "丁58", "甲73", "乙48"])
    # On one page, lines the detector found (an underlined line, a turned box: 15.6 and 21 pt
    # high) among lines cut from the ink (18.4): neither a size change nor a missed indent.
    mixed = page(1, 18.4, [("甲", (23, 25, 25, 25)), ("乙", (23, 25, 25))])
    for k, height in ((2, 15.6), (4, 15.6), (6, 21.0)):
        mixed.lines[k].size = height
    doc = build_document(Document("scan.pdf", "pdf"), [mixed])
    assert [b.text[0] + str(len(b.text)) for b in doc.blocks] == ["甲98", "乙73"]
