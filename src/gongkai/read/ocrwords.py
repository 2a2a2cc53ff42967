"""Every recognised character's box on the page, as RapidOCR computes it, at a fraction of its cost.

gongkai places each character in its table cell by its box, so RapidOCR's ``return_word_box`` is
on: ``RapidOCR.build_final_output`` maps the boxes back to the page, resizes every cut line to the
size it already has (only its shape is used), and ``CalRecBoxes`` gives each character a box from
its CTC column — through ``copy.deepcopy`` of every box list and ``order_points``, a dozen numpy
calls on four points, for every box (66–86 ms on page 4 of the Huai'an report, 312 M instructions).
``words`` gives the same (text, score, box) triples (10 ms, 62 M): the same arithmetic in the same
order on Python floats (no step is reassociated, so every rounding is the one RapidOCR's makes),
the perspective back to the page with the same ``np.dot`` for each point (a matrix product over all
points could round differently in the last bit, and ``int`` would then move a box by a pixel) —
or, for a level box, the exact scaling that perspective is — and ``order_points`` ported branch
for branch (the same points, the same ties).  What it skips
is work whose result is not used: the resized copies of the lines, the deep copies, the
``RapidOCROutput`` around the result.  ``tests/read_binary/test_read_binary_ocr_words.py`` holds
it to RapidOCR's own output on real lines and on random quadrilaterals.

One thing differs on purpose: a word's confidence.  RapidOCR pairs the k-th word with the line's
k-th character's confidence — a number read as one word (“1234”) gets its first digit's, and on a
line with a space every character after it gets its neighbour's.  Here each character gets its own
and a word its weakest character's (``_word_confidences``), so a cell's confidence, the weakest of
its characters', is what ``ocrcheck`` should judge.
"""

from __future__ import annotations

from gongkai.read.ocrengine import EN_NUM, TEXT_SCORE

Box = list[list[int]]


def words(page_shape, boxes, scores, rec, crop_shapes, op_record) -> list[tuple[str, float, Box]]:
    """(text, score, box) of every word RapidOCR's ``build_final_output`` gives for these lines
    (``word_results``, flattened): ``boxes`` are the lines' boxes in the picture the detector saw
    (a numpy array, changed here as RapidOCR changes it), ``rec`` the recogniser's output for the
    lines cut from it (ocrengine.Lines), ``crop_shapes`` the cut lines' (h, w)."""
    from gongkai.read.ocrengine import map_boxes_to_original

    if boxes is None:
        return []
    ori_h, ori_w = page_shape[:2]
    boxes = map_boxes_to_original(boxes, op_record, ori_h, ori_w)
    ratio_h, ratio_w = op_record["preprocess"]["ratio_h"], op_record["preprocess"]["ratio_w"]
    valid = [i for i, t in enumerate(rec.txts) if t.strip()]  # RapidOCR drops lines read as nothing
    text_score = TEXT_SCORE
    out: list[tuple[str, float, Box]] = []
    kept: list[list] = []
    line_scores = []
    for i in valid:
        h, w = crop_shapes[i]
        h, w = round(h * ratio_h), round(w * ratio_w)  # map_img_to_original's size, without the copy
        line = []
        if h * w:
            line = [(t, c, b) for t, c, b in _line_words(rec.txts[i], rec.word_results[i], h, w, boxes[i])
                    if b is not None]
        if line:
            kept.append(line)
        line_scores.append(rec.scores[i])
    # RapidOCR's filter_by_text_score pairs the i-th line's score with the i-th non-empty list of
    # words (the two lists fall out of step only if a line had no word, which a non-blank text
    # always has): kept as it is.
    for i, score in enumerate(line_scores):
        if score < text_score:
            continue
        if i < len(kept) and kept[i]:
            out += kept[i]
    return out


def _line_words(text: str, info, h: int, w: int, box) -> list:
    """CalRecBoxes for one line: its words' (text, confidence, page box)."""
    contents, cells, confs = _crop_boxes(text, info, w, h)
    _adjust_overlap(cells)
    return list(zip(contents, confs, _to_page(box, cells, _vertical(box))))


def _vertical(box) -> bool:
    """CalRecBoxes.get_box_direction: is the line's box (float32 points) 1.5 times as tall as wide?"""
    import numpy as np

    norm = np.linalg.norm
    edges = [float(norm(box[0] - box[1])), float(norm(box[1] - box[2])),
             float(norm(box[2] - box[3])), float(norm(box[3] - box[0]))]
    width, height = max(edges[0], edges[2]), max(edges[1], edges[3])
    return width < 1e-6 or round(height / width, 2) >= 1.5


def _crop_boxes(text: str, info, w: int, h: int) -> tuple[list[str], list, list[float]]:
    """CalRecBoxes.cal_ocr_word_box (single-character boxes off): the words and their boxes in
    the cut line (w × h), from the CTC columns of ``info`` (a WordInfo)."""
    if not text or info.line_txt_len == 0:
        return [], [], []
    x0, y0, x1, y1 = 0.0, 0.0, float(w), float(h)  # quads_to_rect_bbox of the line's own rectangle
    avg_col_width = (x1 - x0) / info.line_txt_len
    all_en_num = all(v == EN_NUM for v in info.word_types)
    line_cols: list = []
    char_widths = []
    contents: list[str] = []
    for word, cols in zip(info.words, info.word_cols):
        if all_en_num:
            line_cols.append(cols)
            contents.append("".join(word))
        else:
            line_cols.extend(cols)
            contents.extend(word)
        if len(cols) == 1:
            continue
        char_widths.append((cols[-1] - cols[0]) * avg_col_width / (len(cols) - 1))
    if char_widths:
        avg_char_width = sum(char_widths) / len(char_widths)
    else:
        avg_char_width = (x1 - x0) / len(text)
    if all_en_num:
        cells = []
        for cols in line_cols:
            chars = _cells(cols, avg_char_width, avg_col_width, x0, y0, x1, y1)
            xs = [p[0] for c in chars for p in c]
            ys = [p[1] for c in chars for p in c]
            a, b, c, d = float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))
            cells.append([[a, b], [c, b], [c, d], [a, d]])
    else:
        cells = _cells(line_cols, avg_char_width, avg_col_width, x0, y0, x1, y1)
    return contents, cells, _word_confidences(text, info, all_en_num)


def _word_confidences(text: str, info, whole_words: bool) -> list[float]:
    """Each content's confidence: a character's own (``info.confs`` has one for each character of
    ``text``, spaces too), a word's (``whole_words``) its weakest character's."""
    confs = info.confs
    kept = [i for i, char in enumerate(text) if not char.isspace()]  # the words' characters, in order
    if len(confs) != len(text) or len(kept) != sum(len(word) for word in info.words):
        return confs  # not one confidence a character (never seen): RapidOCR's pairing
    out: list[float] = []
    at = 0
    for word in info.words:
        own = [confs[i] for i in kept[at:at + len(word)]]
        at += len(word)
        if whole_words:
            out.append(min(own))
        else:
            out.extend(own)
    return out


def _cells(cols, avg_char_width: float, avg_col_width: float, x0: float, y0: float, x1: float, y1: float) -> list:
    """CalRecBoxes.calc_box: a box centred on each CTC column, sorted by left edge (stably)."""
    out = []
    half = avg_char_width / 2
    for col in cols:
        centre = (col + 0.5) * avg_col_width
        left = max(int(centre - half), 0) + x0
        right = min(int(centre + half), x1 - x0) + x0
        out.append([[left, y0], [right, y0], [right, y1], [left, y1]])
    out.sort(key=lambda cell: cell[0][0])
    return out


def _adjust_overlap(cells: list) -> None:
    """CalRecBoxes.adjust_box_overlap, in place: overlapping neighbours meet halfway."""
    for cur, nxt in zip(cells, cells[1:]):
        if cur[1][0] > nxt[0][0]:
            distance = abs(cur[1][0] - nxt[0][0])
            cur[1][0] -= distance / 2
            cur[2][0] -= distance / 2
            nxt[0][0] += distance - distance / 2
            nxt[3][0] += distance - distance / 2


def _to_page(box, cells: list, vertical: bool = False) -> list[Box]:
    """CalRecBoxes.reverse_rotate_crop_image: each box's points taken back through the inverse of
    the perspective get_rotate_crop_image cut the line with (for a ``vertical`` line, turned back
    a quarter first, as get_rotate_crop_image turned it)."""
    import math

    import cv2
    import numpy as np

    points = box.copy()
    left = int(np.min(points[:, 0]))
    top = int(np.min(points[:, 1]))
    points[:, 0] = points[:, 0] - left
    points[:, 1] = points[:, 1] - top
    width = int(np.linalg.norm(points[0] - points[1]))
    height = int(np.linalg.norm(points[0] - points[3]))
    square = np.array([[0, 0], [width, 0], [width, height], [0, height]]).astype(np.float32)
    _, inverse = cv2.invert(cv2.getPerspectiveTransform(points, square))
    (sx, a, b), (c, sy, d), (e, f, one) = inverse.tolist()
    if a == b == c == d == e == f == 0 and one == 1 and not vertical:
        # A level box (nearly every line): the product is a scaling whatever order the sum of
        # its terms is taken in (adding exact zeros rounds nothing), and z is exactly 1.
        return [order_points([[int(sx * x + left), int(sy * y + top)] for x, y in cell]) for cell in cells]
    dot = np.dot
    out = []
    for cell in cells:
        mapped = []
        for point in cell:
            if vertical:  # CalRecBoxes.s_rotate by -90° about (0, 0), on numpy scalars as there
                angle = math.radians(-90)
                vx, vy = np.array(point[0]), np.array(point[1])
                turned = [(vx - 0) * math.cos(angle) + (vy - 0) * math.sin(angle) + 0,
                          (vy - 0) * math.cos(angle) - (vx - 0) * math.sin(angle) + 0]
                point = [turned[0] + width, turned[1]]
            x, y, z = dot(inverse, np.array(point + [1]))
            mapped.append([int(x / z + left), int(y / z + top)])
        out.append(order_points(mapped))
    return out


def order_points(points: Box) -> Box:
    """CalRecBoxes.order_points on four integer points, without numpy: top-left, top-right,
    bottom-right, bottom-left, chosen by the same rules (and the same first match on ties)."""
    (a, b), (c, d), (e, f), (g, h) = points
    if a == g < c == e and b == d < f == h:  # already a level rectangle in this order: kept (as the rules keep it)
        return [[int(a), int(b)], [int(c), int(d)], [int(e), int(f)], [int(g), int(h)]]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    cx, cy = sum(xs) / 4, sum(ys) / 4  # exact, as np.mean of four small integers is

    def first(candidates, key, pick):
        best = pick(key(p) for p in candidates)
        return next(p for p in candidates if key(p) == best)

    def x(p):
        return p[0]

    def y(p):
        return p[1]

    if any(v == cx for v in xs) and any(v == cy for v in ys):  # a diamond
        ordered = [first(points, x, min), first(points, y, min), first(points, x, max), first(points, y, max)]
    elif all(v == cx for v in xs):  # all on one vertical line: by height (equal heights: equal points)
        ordered = sorted(points, key=y)
    elif any(v == cx for v in xs) and all(v != cy for v in ys):  # top two, then bottom two
        upper = [p for p in points if p[1] < cy]
        lower = [p for p in points if p[1] > cy]
        ordered = [first(upper, x, min), first(upper, x, max), first(lower, x, max), first(lower, x, min)]
    else:  # left two, then right two
        west = [p for p in points if p[0] < cx]
        east = [p for p in points if p[0] > cx]
        ordered = [first(west, y, min), first(east, y, min), first(east, y, max), first(west, y, max)]
    return [[int(p[0]), int(p[1])] for p in ordered]

