"""gongkai drives RapidOCR's models without importing rapidocr (read/ocrengine.py): its constants
are the ones RapidOCR's own configuration gives, and each step copied from RapidOCR gives exactly
what RapidOCR's gives on real pages — the picture's resizing and padding, the detector's
resizing and post-processing, the lines cut, their orientation, the decoding of what they read."""

from __future__ import annotations

import copy
import sys

import pypdfium2 as pdfium
import pytest

pytestmark = pytest.mark.ocr
SCAN_DPI = 200


@pytest.fixture(scope="module")
def rapid():
    """RapidOCR's engine with gongkai's settings, its three models loaded (the reference)."""
    from rapidocr import RapidOCR

    from gongkai.read import ocr

    engine = RapidOCR(params={"Global.log_level": "error", "Global.return_word_box": True,
                              "Global.max_side_len": ocr.MAX_SIDE,
                              "Det.limit_type": "max", "Det.limit_side_len": ocr.DET_SIDE,
                              "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                              "EngineConfig.onnxruntime.inter_op_num_threads": 1})
    return engine, engine._load_det_model(), engine._load_cls_model(), engine._load_rec_model()


@pytest.fixture(scope="module")
def band():
    """The title, preamble and first lines of page 1 of the Huai'an report at 200 dpi, grey."""
    import numpy as np

    from tests.conftest import EXAMPLES

    pdf = pdfium.PdfDocument(str(EXAMPLES / "huaian-city-2024.pdf"))
    page = np.array(pdf[0].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L"))
    return np.ascontiguousarray(page[page.shape[0] * 15 // 100:page.shape[0] * 60 // 100])


def test_read_binary_ocr_engine_reads_rapidocr_without_importing_it():
    """A process that reads a scan never imports the rapidocr package (nor OmegaConf)."""
    import subprocess

    code = ("import sys, numpy as np; from gongkai.read import ocr;"
            "page = np.full((200, 900), 255, np.uint8); page[80:120, 100:800:40] = 0;"
            "ocr._read_words(page, page, 200 / 72);"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rapidocr', 'omegaconf')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_read_binary_ocr_engine_constants_are_rapidocrs(rapid):
    from omegaconf import OmegaConf
    from rapidocr.inference_engine.base import InferSession

    from gongkai.read import ocrengine

    engine, det, cls, rec = rapid
    cfg = engine.cfg
    assert (ocrengine.TEXT_SCORE, ocrengine.MIN_SIDE_LEN, ocrengine.MIN_HEIGHT, ocrengine.WIDTH_HEIGHT_RATIO) == \
        (engine.text_score, engine.min_side_len, engine.min_height, engine.width_height_ratio)
    assert cfg.Global.use_preprocess_img and engine.use_cls and cfg.Global.use_vertical_padding
    post = det.postprocess_op
    assert (ocrengine.DET_THRESH, ocrengine.DET_BOX_THRESH, ocrengine.DET_MAX_CANDIDATES, ocrengine.DET_UNCLIP_RATIO,
            ocrengine.DET_MIN_SIZE, "fast", True) == \
        (post.thresh, post.box_thresh, post.max_candidates, post.unclip_ratio, post.min_size, post.score_mode,
         post.dilation_kernel is not None)
    assert list(ocrengine.DET_MEAN) == list(det.mean) and list(ocrengine.DET_STD) == list(det.std)
    assert (list(ocrengine.CLS_SHAPE), ocrengine.CLS_BATCH, ocrengine.CLS_THRESH, list(ocrengine.CLS_LABELS)) == \
        (list(cls.cls_image_shape), cls.cls_batch_num, cls.cls_thresh, list(cls.postprocess_op.label_list))
    assert list(ocrengine.REC_SHAPE) == list(rec.rec_image_shape)
    assert ocrengine.characters() == rec.postprocess_op.character
    for kind, model in (("det", det), ("cls", cls), ("rec", rec)):
        name, digest = ocrengine.MODELS[kind]
        path = model.session.session._model_path
        assert path == str(ocrengine.models_dir() / name)
        assert {entry["SHA256"] for entry in _entries(OmegaConf.to_container(InferSession.model_info["onnxruntime"]))
                if str(entry["model_dir"]).endswith("/" + name)} == {digest}
    options = rec.session.session.get_session_options()
    ours, providers = ocrengine._options("rec")  # as made afresh (from the cache: optimised already)
    assert providers == [("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})]
    for option in ("enable_cpu_mem_arena", "enable_mem_pattern", "graph_optimization_level", "intra_op_num_threads",
                   "inter_op_num_threads", "execution_mode"):
        assert getattr(ours, option) == getattr(options, option), option
    assert ocrengine.session("rec").get_provider_options() == rec.session.session.get_provider_options()


def _entries(tree):
    """The model entries (dicts with a model_dir) of RapidOCR's model list."""
    if isinstance(tree, dict):
        if "model_dir" in tree:
            yield tree
        for value in tree.values():
            yield from _entries(value)


def test_read_binary_ocr_engine_refuses_a_model_that_is_not_rapidocrs(monkeypatch, tmp_path):
    from gongkai.errors import MissingDependency
    from gongkai.read import ocrengine

    (tmp_path / ocrengine.MODELS["cls"][0]).write_bytes(b"not a model")
    monkeypatch.setattr(ocrengine, "models_dir", lambda: tmp_path)
    with pytest.raises(MissingDependency, match="不一致"):
        ocrengine.model_path("cls")
    with pytest.raises(MissingDependency, match="找不到 OCR 模型"):
        ocrengine.model_path("det")


def test_read_binary_ocr_engine_picture_steps_are_rapidocrs():
    """Enlarging a small picture, shrinking a large one, padding a low or wide one, and the boxes
    taken back through both."""
    import numpy as np
    from rapidocr.utils import process_img as theirs

    from gongkai.read import ocrengine as ours

    rng = np.random.default_rng(2)
    for shape, low, high in (((20, 50), 30, 2000), ((3000, 500), 30, 2000), ((40, 700), 30, 4000),
                             ((25, 25, 3), 30, 4000), ((900, 40), 30, 800)):
        img = rng.integers(0, 256, shape, dtype=np.uint8)
        a, b = ours.resize_image_within_bounds(img, low, high), theirs.resize_image_within_bounds(img, low, high)
        assert a[1:] == b[1:] and np.array_equal(a[0], b[0])
        record_a = {"preprocess": {"ratio_h": a[1], "ratio_w": a[2]}}
        record_b = copy.deepcopy(record_a)
        pa, record_a = ours.apply_vertical_padding(a[0], record_a, 8, 30)
        pb, record_b = theirs.apply_vertical_padding(b[0], record_b, 8, 30)
        assert record_a == record_b and np.array_equal(pa, pb)
        boxes = rng.uniform(-5, max(pa.shape) + 5, (6, 4, 2)).astype(np.float32)
        assert np.array_equal(ours.map_boxes_to_original(boxes.copy(), record_a, *shape[:2]),
                              theirs.map_boxes_to_original(boxes.copy(), record_b, *shape[:2]))


def test_read_binary_ocr_engine_detection_cutting_and_orientation_are_rapidocrs(rapid, band):
    """On a real page band: the detector's resizing, post-processing and sorting, the lines cut from
    the page (level, turned and tall boxes), the classifier's verdicts (upright and upside down)."""
    import numpy as np
    from rapidocr.utils.process_img import get_rotate_crop_image

    from gongkai.read import ocr, ocrengine

    _, det, cls, _ = rapid
    small = ocrengine.det_resize(band, ocr.DET_SIDE)
    assert np.array_equal(small, det.get_preprocess().resize(band))
    x = np.repeat(((small.astype("float32") / 255 - 0.5) / 0.5)[None, None], 3, axis=1).astype(np.float32)
    preds = ocrengine.session("det").run(None, {"x": x})[0]
    ours, theirs = ocrengine.det_postprocess(preds, band.shape), det.postprocess_op(preds, band.shape)
    assert len(ours[0]) >= 5 and np.array_equal(ours[0], theirs[0]) and ours[1] == theirs[1]
    assert ours[0].dtype == theirs[0].dtype
    boxes = ocrengine.sorted_boxes(ours[0])
    assert np.array_equal(boxes, det.sorted_boxes(theirs[0]))
    rng = np.random.default_rng(4)
    for variant in (boxes, boxes + rng.uniform(-4, 4, boxes.shape).astype(np.float32)):
        crops = [ocrengine.get_rotate_crop_image(band, b.copy()) for b in variant]
        assert all(np.array_equal(c, get_rotate_crop_image(band, b.copy())) for c, b in zip(crops, variant))
    tall = np.array([[10, 10], [60, 10], [60, 200], [10, 200]], dtype=np.float32)
    assert np.array_equal(ocrengine.get_rotate_crop_image(band, tall.copy()), get_rotate_crop_image(band, tall.copy()))
    three = [ocr._three(c) for c in crops] + [ocr._three(np.ascontiguousarray(c[::-1, ::-1])) for c in crops]
    got = ocrengine.classify(three)
    assert got == cls(copy.deepcopy(three)).cls_res
    assert {label for label, _ in got} == {"0", "180"}


def test_read_binary_ocr_engine_decoding_is_rapidocrs(rapid, band):
    """Every line of the band, and a blank one, decoded as CTCLabelDecode decodes what the model
    gives for it: texts, confidences, words, their CTC columns and kinds, the line's length."""
    import numpy as np

    from gongkai.read import ocr, ocrengine

    _, _, _, rec = rapid
    boxes, _ = ocr._detect(ocr._detector(), band)
    crops = [ocr._three(ocrengine.get_rotate_crop_image(band, b.copy())) for b in boxes]
    crops.append(np.full((48, 30, 3), 255, np.uint8))
    texts = []
    for crop in crops:
        ratio = crop.shape[1] / crop.shape[0]
        widest = max(ratio, 320 / 48)
        preds = rec.session(rec.resize_norm_img(crop, widest)[None])
        best = preds[0].argmax(axis=1)
        ours, ours_info = ocrengine.decode_line(best, preds[0].max(axis=1), ratio, widest)
        [theirs], [their_info] = rec.postprocess_op(preds, True, wh_ratio_list=[ratio], max_wh_ratio=widest)
        assert ours == theirs
        assert (ours_info.words, ours_info.word_cols, ours_info.word_types, ours_info.line_txt_len, ours_info.confs) == \
            (their_info.words, their_info.word_cols, [t.value for t in their_info.word_types], their_info.line_txt_len,
             their_info.confs)
        texts.append(ours[0])
    assert len(texts) >= 6 and any("淮安" in t for t in texts) and texts[-1] == ""


def test_read_binary_ocr_engine_a_line_read_before_is_not_run_again(band, monkeypatch):
    """The recogniser runs once for a line whose input repeats pixel for pixel, and what it read
    is what a run gives; its word columns still follow the line's own shape."""
    import numpy as np

    from gongkai.read import ocr, ocrengine

    boxes, _ = ocr._detect(ocr._detector(), band)
    crops = [ocrengine.get_rotate_crop_image(band, b.copy()) for b in boxes[:3]]
    fresh = ocr._recognise_lines(crops)  # the memo may hold them already: compare with a cleared one too
    monkeypatch.setattr(ocr, "_seen", {})
    runs = []
    real = ocrengine.session("rec")

    class Counting:
        def get_inputs(self):
            return real.get_inputs()

        def run(self, *args):
            runs.append(args[1]["x"].shape)
            return real.run(*args)

    monkeypatch.setattr(ocrengine, "session", lambda kind: Counting() if kind == "rec" else real)
    twice = crops + [c.copy() for c in crops]
    got = ocr._recognise_lines(twice)
    assert len(runs) == 3
    assert got.txts == fresh.txts * 2 and got.scores == fresh.scores * 2
    assert [w.confs for w in got.word_results] == [w.confs for w in fresh.word_results] * 2
    wider = np.ascontiguousarray(np.pad(crops[0], ((0, 0), (0, 1)), mode="edge"))  # resized alike or not: read right
    again = ocr._recognise_lines([wider])
    monkeypatch.setattr(ocr, "_seen", {})
    assert _vars_of(again) == _vars_of(ocr._recognise_lines([wider]))


def _vars_of(lines):
    return lines.txts, lines.scores, [(w.words, w.word_cols, w.word_types, w.line_txt_len, w.confs)
                                      for w in lines.word_results]


def _counting_rec(monkeypatch, runs: list) -> None:
    """The recogniser's session, noting the shape of every input it is run on in ``runs``."""
    from gongkai.read import ocrengine

    real = ocrengine.session("rec")
    session = ocrengine.session

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def run(self, *args):
            runs.append(args[1]["x"].shape)
            return real.run(*args)

    monkeypatch.setattr(ocrengine, "session", lambda kind: Counting() if kind == "rec" else session(kind))


@pytest.fixture(scope="module")
def numbers():
    """Eleven different lines of page 4 of the Huai'an report that the recogniser reads padded to
    REC_MIN_WIDTH (cells of one number, as ocrgrid cuts them at 200 dpi)."""
    import numpy as np

    from gongkai.read import ocr
    from gongkai.read.ocrengine import REC_SHAPE, get_rotate_crop_image
    from tests.conftest import EXAMPLES

    pdf = pdfium.PdfDocument(str(EXAMPLES / "huaian-city-2024.pdf"))
    gray = np.array(pdf[3].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L"))
    _, plan = ocr._plan(gray, SCAN_DPI / 72)
    crops, kept = [], set()
    for box in plan.lines:
        crop = get_rotate_crop_image(gray, box.copy())
        if int(REC_SHAPE[1] * crop.shape[1] / crop.shape[0]) < ocr.REC_MIN_WIDTH and crop.tobytes() not in kept:
            kept.add(crop.tobytes())
            crops.append(crop)
    assert len(crops) >= 11
    return crops[:11]


def test_read_binary_ocr_engine_narrow_lines_read_in_batches_alike(numbers, monkeypatch):
    """Lines of REC_MIN_WIDTH are read REC_BATCH at a time, in order (eleven: batches of eight and
    three; the fast path for digits off, see test_read_binary_ocr_digits); a line's reading is the same in any batch, alone (beside a copy of itself) or among others
    in any order — it depends on its pixels alone; and it differs from a run of the line by
    itself only in the order products are summed: the same text, and every character's stored
    confidence within one unit of its fifth decimal (the ruling in docs/architecture.md, Speed)."""
    import numpy as np

    from gongkai.read import ocr, ocrengine

    monkeypatch.setattr(ocr, "_seen", {})
    monkeypatch.setattr(ocr, "FAST_DIGITS", False)
    runs: list = []
    _counting_rec(monkeypatch, runs)
    together = ocr._recognise_lines(numbers)
    assert ocr.REC_BATCH == 8 and [shape[0] for shape in runs] == [8, 3]
    assert all(shape[1:] == (3, 48, ocr.REC_MIN_WIDTH) for shape in runs)
    assert {"总计", "其他", "53", "0", "61"} <= set(together.txts)  # labels and numbers of table 3
    monkeypatch.setattr(ocr, "_seen", {})
    backwards = ocr._recognise_lines(numbers[::-1])
    assert [list(v) for v in _vars_of(backwards)] == [list(v)[::-1] for v in _vars_of(together)]
    session = ocrengine.session("rec")
    for i, line in enumerate(numbers):
        monkeypatch.setattr(ocr, "_seen", {})
        del runs[:]
        alone = ocr._recognise_lines([line])
        assert [shape[0] for shape in runs] == [2]
        assert [v[0] for v in _vars_of(alone)] == [v[i] for v in _vars_of(together)]
        x = ocr._rec_input(*_resized(line), ocr.REC_MIN_WIDTH)[None]
        preds = session.run(None, {"x": x})[0][0]
        best = preds.argmax(axis=1)
        (text, _), info = ocrengine.decode_line(best, preds.max(axis=1), line.shape[1] / line.shape[0],
                                                ocr.REC_MIN_WIDTH / 48)
        assert text == together.txts[i] and info.words == together.word_results[i].words
        assert np.allclose(info.confs, together.word_results[i].confs, rtol=0, atol=1.000001e-5)


def _resized(line):
    """A line resized to the recogniser's height as _recognise_lines resizes it, and its own width."""
    import math

    import cv2

    own = int(math.ceil(48 * line.shape[1] / line.shape[0]))
    return cv2.resize(line, (own, 48)), own


def test_read_binary_ocr_engine_optimised_graph_kept_and_checked(monkeypatch, tmp_path):
    """A model's optimised graph is kept in the cache and the next session is made from it, with
    the same outputs; a kept graph that is damaged, or that others could write, is not used."""
    import os

    import numpy as np
    import onnxruntime as ort

    from gongkai.read import ocrengine

    monkeypatch.setenv("GONGKAI_CACHE", str(tmp_path / "cache"))
    rng = np.random.default_rng(3)
    inputs = {"cls": rng.uniform(-1, 1, (2, 3, 48, 192)).astype(np.float32),
              "rec": rng.uniform(-1, 1, (1, 3, 48, 160)).astype(np.float32)}

    def made(kind):
        monkeypatch.setattr(ocrengine, "_sessions", {})
        got = ocrengine.session(kind)
        return got, got.run(None, {"x": inputs[kind]})[0]

    def kept(kind):
        return sorted(p.name for p in (tmp_path / "cache").glob(f"ocr-{kind}.*.onnx"))

    disabled = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    for kind in ("cls", "rec"):
        first, out = made(kind)
        assert first.get_session_options().graph_optimization_level != disabled and len(kept(kind)) == 1
        again, out_again = made(kind)
        assert again.get_session_options().graph_optimization_level == disabled
        assert np.array_equal(out, out_again)
    [name] = kept("cls")
    path = tmp_path / "cache" / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))  # damaged: its CRC-32 no longer matches its name
    session, _ = made("cls")
    assert session.get_session_options().graph_optimization_level != disabled
    [name] = kept("cls")  # written again (onnxruntime's serialisation may differ: named by its own CRC)
    assert (tmp_path / "cache" / name).read_bytes() != bytes(data)
    assert made("cls")[0].get_session_options().graph_optimization_level == disabled
    os.chmod(tmp_path / "cache" / name, 0o666)  # writable by others: not read (and written again, private)
    session, _ = made("cls")
    assert session.get_session_options().graph_optimization_level != disabled
    [name] = kept("cls")
    assert os.stat(tmp_path / "cache" / name).st_mode & 0o777 == 0o600
    os.chmod(tmp_path / "cache", 0o777)  # a folder others could write: nothing kept there, nothing read
    (tmp_path / "cache" / name).unlink()
    session, _ = made("cls")
    assert session.get_session_options().graph_optimization_level != disabled and kept("cls") == []
    monkeypatch.setattr(ocrengine, "_sessions", {})
