"""RapidOCR's three models, and the few steps around them gongkai uses, without importing ``rapidocr``.

Importing any part of the ``rapidocr`` package (3.10.0) runs its engine module, which parses the
1,593-line model list ``default_models.yaml`` with OmegaConf twice, and imports requests, tqdm and
colorlog: about 1.1–1.2 s of CPU in every process that reads a scan (``gongkai parse scan.pdf``,
each of the server's read children, each ingest worker), for a list of which gongkai uses three
lines.  Here the pinned rapidocr stays the source of the models (its wheel's ``models/`` folder,
found with ``importlib.util.find_spec`` — nothing of it is imported — and each file checked against
the SHA-256 RapidOCR's list gives it, as RapidOCR checks it), and its settings for them are
constants below.  The steps are RapidOCR's own code (Apache-2.0; from ``utils/process_img.py``,
``ch_ppocr_det``, ``ch_ppocr_cls`` and ``ch_ppocr_rec``), copied with the same numpy and OpenCV
calls in the same order on the same types, so every rounding is the one RapidOCR makes; what is
left out is what gongkai never reaches (other engines and limit types, the slow box score,
visualisation, downloads).  ``tests/read_binary/test_read_binary_ocr_engine.py`` holds the
constants to RapidOCR's parsed configuration and each step to RapidOCR's on real pages.  What
onnxruntime makes of each model for this CPU is kept in ``GONGKAI_CACHE`` (_graph_cache), so a
later process makes its sessions in about half the time.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

from gongkai.errors import MissingDependency

# rapidocr 3.10.0's models for Chinese (config.yaml: Det/Rec PP-OCRv6 small, Cls PP-OCRv4 mobile)
# and their SHA-256 in its default_models.yaml.
MODELS = {
    "det": ("PP-OCRv6_det_small.onnx", "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"),
    "cls": ("ch_ppocr_mobile_v2.0_cls_mobile.onnx", "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"),
    "rec": ("PP-OCRv6_rec_small.onnx", "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"),
}
# config.yaml's Global section
TEXT_SCORE = 0.5          # a line read less surely than this is dropped
MIN_SIDE_LEN = 30         # a picture with a shorter side is enlarged
MIN_HEIGHT = 30           # a picture this low or lower is padded above and below
WIDTH_HEIGHT_RATIO = 8    # a picture wider than this many heights is padded too
# Det
DET_MEAN = DET_STD = (0.5, 0.5, 0.5)
DET_THRESH, DET_BOX_THRESH, DET_MAX_CANDIDATES, DET_UNCLIP_RATIO = 0.3, 0.5, 1000, 1.6
DET_MIN_SIZE = 3          # DBPostProcess.min_size
BOX_SORT_Y_THRESHOLD = 10  # ch_ppocr_det.main._BOX_SORT_Y_THRESHOLD
# Cls (CLS_SHAPE_BY_OCR_VERSION[PP-OCRv4])
CLS_SHAPE = (3, 48, 192)
CLS_BATCH = 6
CLS_THRESH = 0.9
CLS_LABELS = ("0", "180")
# Rec
REC_SHAPE = (3, 48, 320)

_lock = threading.Lock()
_sessions: dict = {}


def models_dir() -> Path:
    """The installed rapidocr's ``models`` folder, found without importing the package."""
    from importlib.util import find_spec

    spec = find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("未安装 rapidocr（OCR 模型随它安装）。")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def model_path(kind: str) -> str:
    """The model file of ``kind`` (det, cls, rec), checked against RapidOCR's SHA-256 for it, as
    RapidOCR checks it before each load.  (onnxruntime is given the path, not the bytes read here:
    a session made from bytes keeps ~47 MB more resident.)"""
    import hashlib

    name, digest = MODELS[kind]
    path = models_dir() / name
    try:
        with open(path, "rb") as fh:
            got = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        raise MissingDependency(f"找不到 OCR 模型 {path}，请重新安装 OCR 组件。") from None
    if got != digest:
        raise MissingDependency(f"OCR 模型 {path} 与 rapidocr 所列的不一致（文件损坏或版本不符），请重新安装 OCR 组件。")
    return str(path)


def session(kind: str):
    """The onnxruntime session of a model, made once a process.  The classifier's and the
    recogniser's with RapidOCR's options (its OrtInferSession with config.yaml's onnxruntime
    section and gongkai's one thread each: onnxruntime's threads spin while they wait, and pages
    are read in parallel by processes); the detector's planned for a page at a time: tensors from
    onnxruntime's arena instead of one malloc each (RapidOCR turns the arena off), without the
    memory pattern (one block sized for every tensor of the run), the arena handed back after each
    page (ocr._detection_run) — page 4 of the Huai'an report detected whole: about 1.1 s of CPU and
    250 MB of tensors instead of 1.7 s and 350 MB.  Same graph, same results either way.  The
    graph onnxruntime optimises for this CPU is kept in GONGKAI_CACHE for the next process
    (_graph_cache)."""
    got = _sessions.get(kind)
    if got is None:
        with _lock:
            got = _sessions.get(kind)
            if got is None:
                got = _sessions[kind] = _make_session(kind)
    return got


def _options(kind: str):
    """The session options of ``kind`` and its execution providers (see session)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if kind == "det":
        options.enable_cpu_mem_arena = True
        options.enable_mem_pattern = False
        return options, ["CPUExecutionProvider"]
    options.enable_cpu_mem_arena = False
    return options, [("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})]


def _make_session(kind: str):
    import onnxruntime as ort

    cache = _graph_cache(kind)
    if cache is not None:
        folder, prefix = cache
        # A kept graph was made from the model file when it had RapidOCR's digest (named in its
        # key) and is checked by its own CRC-32: the model file itself is not read then.
        kept = _kept_graph(folder, prefix)
        if kept is not None:
            options, providers = _options(kind)
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            try:
                return ort.InferenceSession(kept, options, providers=providers)
            except Exception:  # noqa: BLE001 - whatever onnxruntime refuses: made afresh below
                Path(kept).unlink(missing_ok=True)
        path = model_path(kind)
        tmp = folder / f".{prefix}{os.getpid()}.tmp"
        try:
            from gongkai.files import private_dir

            private_dir(folder)
            st = os.stat(folder)
            if st.st_uid != os.geteuid() or st.st_mode & 0o022:  # a graph kept there would never be read
                raise PermissionError(folder)
            options, providers = _options(kind)
            options.optimized_model_filepath = str(tmp)
            made = ort.InferenceSession(path, options, providers=providers)
        except Exception:  # noqa: BLE001 - the graph could not be written: made without keeping it
            made = None
        _keep_graph(folder, prefix, tmp)
        if made is not None:
            return made
    options, providers = _options(kind)
    return ort.InferenceSession(model_path(kind), options, providers=providers)


# The optimised graph of each model (what ORT_ENABLE_ALL makes of it for this CPU: fused nodes, the
# NCHWc layout) kept in GONGKAI_CACHE and loaded without optimising again: the three sessions in
# 0.11 s instead of 0.27 s, once a process, with the same results.  Named by what the graph depends
# on (onnxruntime's version, the model's digest, the CPU's features) and by its own CRC-32, checked
# before it is used; read only when this user alone can write it (it runs as the model).
_GRAPH_FORMAT = "1"


def _graph_cache(kind: str):
    """(folder, file name prefix) of the kept optimised graph of ``kind``; None when there is no
    cache, or the CPU's features cannot be told."""
    import platform

    from gongkai.digest import content_key
    from gongkai.settings import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "")
    except OSError:
        return None
    if not flags:
        return None
    import onnxruntime as ort

    key = content_key("|".join((_GRAPH_FORMAT, ort.__version__, MODELS[kind][1], platform.machine(), flags)).encode())
    return folder, f"ocr-{kind}.{key}."


def _kept_graph(folder: Path, prefix: str) -> str | None:
    """The kept graph's path if it is there, whole (its CRC-32 as named) and owned by this user alone."""
    import mmap
    import zlib

    from gongkai.shipped import _owned

    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".onnx")]
    except OSError:
        return None
    for name in names:
        path = folder / name
        if not _owned(path):
            continue
        try:
            with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                crc = zlib.crc32(data)  # mapped, not copied: 31 MB in all
        except (OSError, ValueError):
            continue
        if f"{crc:08x}" == name[len(prefix):-len(".onnx")]:
            return str(path)
    return None


def _keep_graph(folder: Path, prefix: str, tmp: Path) -> None:
    """Name the graph onnxruntime wrote to ``tmp`` by its CRC-32, readable and writable by this user
    alone, and remove this model's other graphs (another onnxruntime's or CPU's, a damaged one);
    nothing when it cannot be written."""
    import zlib

    try:
        if not tmp.exists():
            return
        crc = zlib.crc32(tmp.read_bytes())
        os.chmod(tmp, 0o600)  # whatever the umask: a graph others could write is never read
        kept = f"{prefix}{crc:08x}.onnx"
        os.replace(tmp, folder / kept)
        model = prefix.split(".")[0] + "."
        for name in os.listdir(folder):
            if name.startswith(model) and name.endswith(".onnx") and name != kept:
                (folder / name).unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def characters() -> list[str]:
    """The recogniser's classes: CTC's blank, the characters the model lists in its metadata, and
    a space (CTCLabelDecode.get_character)."""
    got = _sessions.get("characters")
    if got is None:
        listed = session("rec").get_modelmeta().custom_metadata_map["character"].splitlines()
        got = _sessions["characters"] = ["blank", *listed, " "]
    return got


# --- the page picture (utils/process_img.py) -------------------------------------------------------

class ResizeImgError(Exception):
    pass


def resize_image_within_bounds(img, min_side_len: float, max_side_len: float):
    h, w = img.shape[:2]
    ratio_h = ratio_w = 1.0
    if max(h, w) > max_side_len:
        img, ratio_h, ratio_w = _resize_side(img, max_side_len, max)
    h, w = img.shape[:2]
    if min(h, w) < min_side_len:
        img, ratio_h, ratio_w = _resize_side(img, min_side_len, min)
    return img, ratio_h, ratio_w


def _resize_side(img, side_len: float, pick):
    """reduce_max_side (``pick`` max) and increase_min_side (min): the side ``pick`` chooses made
    ``side_len`` long, both sides then rounded to a multiple of 32."""
    import cv2

    h, w = img.shape[:2]
    ratio = 1.0
    if pick is max and max(h, w) > side_len:
        ratio = float(side_len) / h if h > w else float(side_len) / w
    elif pick is min and min(h, w) < side_len:
        ratio = float(side_len) / h if h < w else float(side_len) / w
    resize_h = int(round(int(h * ratio) / 32) * 32)
    resize_w = int(round(int(w * ratio) / 32) * 32)
    if resize_w <= 0 or resize_h <= 0:
        raise ResizeImgError("resize_w or resize_h is less than or equal to 0")
    img = cv2.resize(img, (resize_w, resize_h))
    return img, h / resize_h, w / resize_w


def apply_vertical_padding(img, op_record: dict, width_height_ratio: float, min_height: float):
    import cv2

    h, w = img.shape[:2]
    use_limit_ratio = False if width_height_ratio == -1 else w / h > width_height_ratio
    if h <= min_height or use_limit_ratio:
        new_h = max(int(w / width_height_ratio), min_height) * 2
        padding_h = int(abs(new_h - h) / 2)
        block = cv2.copyMakeBorder(img, padding_h, padding_h, 0, 0, cv2.BORDER_CONSTANT, value=(0, 0, 0))
        op_record["padding_1"] = {"top": padding_h, "left": 0}
        return block, op_record
    op_record["padding_1"] = {"top": 0, "left": 0}
    return img, op_record


def map_boxes_to_original(dt_boxes, op_record: dict, ori_h: int, ori_w: int):
    import numpy as np

    for op in reversed(list(op_record.keys())):
        v = op_record[op]
        if "padding" in op:
            top, left = v.get("top"), v.get("left")
            dt_boxes[:, :, 0] -= left
            dt_boxes[:, :, 1] -= top
        elif "preprocess" in op:
            dt_boxes[:, :, 0] *= v.get("ratio_w")
            dt_boxes[:, :, 1] *= v.get("ratio_h")
    dt_boxes = np.where(dt_boxes < 0, 0, dt_boxes)
    dt_boxes[..., 0] = np.where(dt_boxes[..., 0] > ori_w, ori_w, dt_boxes[..., 0])
    dt_boxes[..., 1] = np.where(dt_boxes[..., 1] > ori_h, ori_h, dt_boxes[..., 1])
    return dt_boxes


def get_rotate_crop_image(img, points):
    """The line in the quadrilateral ``points`` of ``img``, cut level (turned a quarter if tall)."""
    import cv2
    import numpy as np

    norm = np.linalg.norm
    width = int(max(norm(points[0] - points[1]), norm(points[2] - points[3])))
    height = int(max(norm(points[0] - points[3]), norm(points[1] - points[2])))
    square = np.array([[0, 0], [width, 0], [width, height], [0, height]]).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(points, square)
    dst = cv2.warpPerspective(img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    dst_h, dst_w = dst.shape[0:2]
    if dst_h * 1.0 / dst_w >= 1.5:
        dst = np.rot90(dst)
    return dst


# --- detection (ch_ppocr_det) --------------------------------------------------------------------

def det_resize(img, limit_side_len: int):
    """DetPreProcess.resize with limit_type "max": at most ``limit_side_len`` long, both sides a
    multiple of 32; None when a side would be 0."""
    import cv2

    h, w = img.shape[:2]
    if max(h, w) > limit_side_len:
        ratio = float(limit_side_len) / h if h > w else float(limit_side_len) / w
    else:
        ratio = 1.0
    resize_h = int(round(int(h * ratio) / 32) * 32)
    resize_w = int(round(int(w * ratio) / 32) * 32)
    if resize_w <= 0 or resize_h <= 0:
        return None
    return cv2.resize(img, (resize_w, resize_h))


def det_postprocess(pred, ori_shape):
    """DBPostProcess (score_mode "fast", with dilation): the text boxes (int32 quadrilaterals in
    ``ori_shape``'s pixels, then float32 after filtering, as RapidOCR returns them) and scores."""
    import cv2
    import numpy as np

    src_h, src_w = ori_shape
    pred = pred[:, 0, :, :]
    segmentation = pred > DET_THRESH
    mask = cv2.dilate(np.array(segmentation[0]).astype(np.uint8), np.array([[1, 1], [1, 1]]))
    boxes, scores = _boxes_from_bitmap(pred[0], mask, src_w, src_h)
    return _filter_det_res(boxes, scores, src_h, src_w)


def _boxes_from_bitmap(pred, bitmap, dest_width: int, dest_height: int):
    import cv2
    import numpy as np

    height, width = bitmap.shape
    outs = cv2.findContours((bitmap * 255).astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    contours = outs[1] if len(outs) == 3 else outs[0]
    boxes, scores = [], []
    for index in range(min(len(contours), DET_MAX_CANDIDATES)):
        points, sside = _get_mini_boxes(contours[index])
        if sside < DET_MIN_SIZE:
            continue
        score = _box_score_fast(pred, points.reshape(-1, 2))
        if DET_BOX_THRESH > score:
            continue
        box, sside = _get_mini_boxes(_unclip(points))
        if sside < DET_MIN_SIZE + 2:
            continue
        box[:, 0] = np.clip(np.round(box[:, 0] / width * dest_width), 0, dest_width)
        box[:, 1] = np.clip(np.round(box[:, 1] / height * dest_height), 0, dest_height)
        boxes.append(box.astype(np.int32))
        scores.append(score)
    return np.array(boxes, dtype=np.int32), scores


def _get_mini_boxes(contour):
    import cv2
    import numpy as np

    bounding_box = cv2.minAreaRect(contour)
    points = sorted(list(cv2.boxPoints(bounding_box)), key=lambda x: x[0])
    index_1, index_4 = (0, 1) if points[1][1] > points[0][1] else (1, 0)
    index_2, index_3 = (2, 3) if points[3][1] > points[2][1] else (3, 2)
    box = np.array([points[index_1], points[index_2], points[index_3], points[index_4]])
    return box, min(bounding_box[1])


def _box_score_fast(bitmap, _box) -> float:
    import cv2
    import numpy as np

    h, w = bitmap.shape[:2]
    box = _box.copy()
    xmin = np.clip(np.floor(box[:, 0].min()).astype(np.int32), 0, w - 1)
    xmax = np.clip(np.ceil(box[:, 0].max()).astype(np.int32), 0, w - 1)
    ymin = np.clip(np.floor(box[:, 1].min()).astype(np.int32), 0, h - 1)
    ymax = np.clip(np.ceil(box[:, 1].max()).astype(np.int32), 0, h - 1)
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    box[:, 0] = box[:, 0] - xmin
    box[:, 1] = box[:, 1] - ymin
    cv2.fillPoly(mask, box.reshape(1, -1, 2).astype(np.int32), 1)
    return cv2.mean(bitmap[ymin: ymax + 1, xmin: xmax + 1], mask)[0]


def _unclip(box):
    import numpy as np
    import pyclipper
    from shapely.geometry import Polygon

    poly = Polygon(box)
    distance = poly.area * DET_UNCLIP_RATIO / poly.length
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return np.array(offset.Execute(distance)).reshape((-1, 1, 2))


def _filter_det_res(dt_boxes, scores, img_height: int, img_width: int):
    import numpy as np

    dt_boxes_new, new_scores = [], []
    for box, score in zip(dt_boxes, scores):
        box = _order_points_clockwise(box)
        for pno in range(box.shape[0]):  # clip_det_res
            box[pno, 0] = int(min(max(box[pno, 0], 0), img_width - 1))
            box[pno, 1] = int(min(max(box[pno, 1], 0), img_height - 1))
        rect_width = int(np.linalg.norm(box[0] - box[1]))
        rect_height = int(np.linalg.norm(box[0] - box[3]))
        if rect_width <= 3 or rect_height <= 3:
            continue
        dt_boxes_new.append(box)
        new_scores.append(score)
    return np.array(dt_boxes_new), new_scores


def _order_points_clockwise(pts):
    import numpy as np

    x_sorted = pts[np.argsort(pts[:, 0]), :]
    left, right = x_sorted[:2, :], x_sorted[2:, :]
    tl, bl = left[np.argsort(left[:, 1]), :]
    tr, br = right[np.argsort(right[:, 1]), :]
    return np.array([tl, tr, br, bl], dtype="float32")


def sorted_boxes(dt_boxes):
    """TextDetector.sorted_boxes: top to bottom, boxes starting within BOX_SORT_Y_THRESHOLD px of
    the one before taken as one line, left to right."""
    import numpy as np

    if len(dt_boxes) == 0:
        return dt_boxes
    y_coords = dt_boxes[:, 0, 1]
    y_order = np.argsort(y_coords, kind="stable")
    boxes_y_sorted = dt_boxes[y_order]
    line_increments = (np.diff(y_coords[y_order]) >= BOX_SORT_Y_THRESHOLD).astype(np.int32)
    line_ids = np.concatenate([[0], np.cumsum(line_increments)])
    return boxes_y_sorted[np.lexsort((boxes_y_sorted[:, 0, 0], line_ids))]


# --- orientation (ch_ppocr_cls) -------------------------------------------------------------------

def classify(imgs) -> list[tuple[str, float]]:
    """TextClassifier's cls_res for these (three-channel) lines: (label, score) each, read in
    batches of CLS_BATCH by width as RapidOCR batches them."""
    import numpy as np

    run = session("cls")
    name = run.get_inputs()[0].name
    indices = np.argsort(np.array([img.shape[1] / float(img.shape[0]) for img in imgs]))
    out: list[tuple[str, float]] = [("", 0.0)] * len(imgs)
    for begin in range(0, len(imgs), CLS_BATCH):
        end = min(len(imgs), begin + CLS_BATCH)
        batch = np.concatenate([_cls_norm(imgs[indices[i]])[np.newaxis, :] for i in range(begin, end)]).astype(np.float32)
        prob = run.run(None, {name: batch})[0]
        for row, idx in enumerate(prob.argmax(axis=1)):
            out[indices[begin + row]] = (CLS_LABELS[int(idx)], prob[row, int(idx)])
    return out


def _cls_norm(img):
    """TextClassifier.resize_norm_img (three channels)."""
    import cv2
    import numpy as np

    img_c, img_h, img_w = CLS_SHAPE
    h, w = img.shape[:2]
    ratio = w / float(h)
    resized_w = img_w if math.ceil(img_h * ratio) > img_w else int(math.ceil(img_h * ratio))
    resized = cv2.resize(img, (resized_w, img_h), interpolation=cv2.INTER_LINEAR).astype("float32")
    resized = resized.transpose((2, 0, 1)) / 255
    resized -= 0.5
    resized /= 0.5
    padded = np.zeros((img_c, img_h, img_w), dtype=np.float32)
    padded[:, :, :resized_w] = resized
    return padded


# --- recognition's decoding (ch_ppocr_rec.utils.CTCLabelDecode) -------------------------------------

EN_NUM = "en&num"  # WordType.EN_NUM's value; CN is "cn"
CN = "cn"


class WordInfo:
    """ch_ppocr_rec.typings.WordInfo: a line's words, their CTC columns and kinds."""

    __slots__ = ("words", "word_cols", "word_types", "line_txt_len", "confs")

    def __init__(self, words=None, word_cols=None, word_types=None, line_txt_len: float = 0.0, confs=None):
        self.words = words if words is not None else []
        self.word_cols = word_cols if word_cols is not None else []
        self.word_types = word_types if word_types is not None else []
        self.line_txt_len = line_txt_len
        self.confs = confs if confs is not None else []


def decode_line(index, prob, wh_ratio: float, max_wh_ratio: float) -> tuple[tuple[str, float], WordInfo]:
    """CTCLabelDecode.decode of one line (``index``: each step's best class, ``prob``: its
    probability) with duplicates removed and word boxes: ((text, confidence), WordInfo)."""
    import numpy as np

    chars = characters()
    selection = np.ones(len(index), dtype=bool)
    selection[1:] = index[1:] != index[:-1]
    selection &= index != 0  # CTC's blank
    conf_list = [round(conf, 5) for conf in np.array(prob[selection]).tolist()]
    if len(conf_list) == 0:
        conf_list = [0]
    text = "".join([chars[text_id] for text_id in index[selection]])
    info = _word_info(text, selection)
    info.line_txt_len = len(index) * wh_ratio / max_wh_ratio
    info.confs = conf_list
    return (text, np.mean(conf_list).round(5).tolist()), info


def is_chinese_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _word_info(text: str, selection) -> WordInfo:
    """CTCLabelDecode.get_word_info: the characters grouped into words (a space, a change
    between Chinese and the rest, or a gap of more than 5 columns parts them)."""
    import numpy as np

    valid_col = np.where(selection)[0]
    if len(valid_col) <= 0:
        return WordInfo()
    col_width = np.zeros(valid_col.shape)
    col_width[1:] = valid_col[1:] - valid_col[:-1]
    col_width[0] = min(3 if is_chinese_char(text[0]) else 2, int(valid_col[0]))
    words: list[list[str]] = []
    cols: list[list[int]] = []
    states: list[str | None] = []
    word: list[str] = []
    word_cols: list[int] = []
    state = None
    for c_i, char in enumerate(text):
        if char.isspace():
            if word:
                words.append(word)
                cols.append(word_cols)
                states.append(state)
                word, word_cols = [], []
            continue
        c_state = CN if is_chinese_char(char) else EN_NUM
        if state is None:
            state = c_state
        if state != c_state or col_width[c_i] > 5:
            if len(word) != 0:
                words.append(word)
                cols.append(word_cols)
                states.append(state)
                word, word_cols = [], []
            state = c_state
        word.append(char)
        word_cols.append(int(valid_col[c_i]))
    if len(word) != 0:
        words.append(word)
        cols.append(word_cols)
        states.append(state)
    return WordInfo(words=words, word_cols=cols, word_types=states)


class Lines:
    """What the recogniser read on a page's lines (TextRecOutput's fields gongkai uses)."""

    __slots__ = ("txts", "scores", "word_results")

    def __init__(self, txts, scores, word_results):
        self.txts, self.scores, self.word_results = txts, scores, word_results


class Detector:
    """The text detector: its session and RapidOCR's TextDetector steps around it."""

    mean = DET_MEAN
    std = DET_STD
    postprocess = staticmethod(det_postprocess)
    sorted_boxes = staticmethod(sorted_boxes)

    def __init__(self, limit_side_len: int):
        self.session = session("det")
        self.limit_side_len = limit_side_len

    def resize(self, img):
        return det_resize(img, self.limit_side_len)
