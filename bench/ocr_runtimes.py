"""OCR: would another fp32 CPU runtime run the recogniser cheaper than onnxruntime, reading the same?

    python bench/ocr_runtimes.py [--rounds 3] [--pages page4,page4-noisy,page1,hongze23-p3] [--keep DIR]

(``--pages ""``: the per-call and per-100-px figures alone.)

The recogniser (RapidOCR's pinned rec model, found and digest-checked by ``read/ocrengine.py``) is
most of a page's OCR CPU.  This converts that very file to MNN (``mnnconvert``, from the MNN wheel)
and to ncnn (``pnnx``'s converter binary, from the pnnx wheel: fp32 weights, ``fp16=0``), takes the
model's real inputs of four bench pages — every call ``ocr._recognise_lines`` makes on page 4 of the
Huai'an report at 200 dpi (as rendered and as bench/ocr.py's noisy scan), its page 1 (narrative) and
page 3 of Hongze 2023, after the memo of repeated lines, narrow lines in their batches — and runs them
through onnxruntime (gongkai's session) and each variant of the others, **one thread each**, in one
process:

- **accuracy**, line by line against onnxruntime: whether each step's best class (the text, and so
  the boxes) is the same, and how far each stored confidence (a character's probability rounded to
  5 decimals, as ``ocrengine.decode_line`` keeps it) moves — the seventh session's ruling allows
  1×10⁻⁵ at most;
- **CPU per page** (the page's calls replayed; alternating rounds, medians) and its ratio to
  onnxruntime's;
- **per call and per 100 px**: a real line cut to five widths of a table's cells (96–512 px) and
  to a narrative line's 1,152 px, each run repeatedly at one width (so MNN's re-planning for a new
  shape is not in these figures; it is in the page's).

A runtime whose wheel is not installed is skipped, and the script says so (``pip install MNN
ncnn pnnx``: pnnx declares torch as a dependency, but its converter binary needs none of it).
Variants: MNN as ``mnnconvert`` makes it (GELU by its tanh approximation), with
``--useGeluApproximation 0`` (erf, as the model has it), that with the Winograd hint at 0; MNN's
``precision`` high throughout (normal gave the same outputs); ncnn with and without its packed
layout (Winograd and fp16 off: the model has no stride-1 3×3 convolution for Winograd anyway).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import alternate, child, line, machine, measure, median  # noqa: E402

PAGES = ["page4", "page4-noisy", "page1", "hongze23-p3"]
FIT_WIDTHS = (96, 192, 288, 384, 512)  # a table's cells; the cost grows faster than the width beyond
WIDE = 1152                             # a narrative line at 200 dpi
CONF_RULING = 1e-5


def _page_calls(names: list[str]) -> dict[str, list]:
    """Each page's recogniser calls (their input arrays) as gongkai makes them reading it afresh."""
    import tempfile

    from ocr import DPI, EXAMPLES, REAL_PDFS, _images, _noisy  # bench/ocr.py's inputs
    from PIL import Image

    from gongkai.read import ocr, ocrengine

    real = ocrengine.session("rec")
    calls: list = []

    class Recording:
        def __getattr__(self, name):
            return getattr(real, name)

        def run(self, outputs, feed):
            calls.append(next(iter(feed.values())).copy())
            return real.run(outputs, feed)

    huaian = (EXAMPLES / REAL_PDFS[0]).read_bytes()
    page4, page1 = _images(huaian, [4, 1])
    images = {"page4": lambda: page4, "page1": lambda: page1,
              "hongze23-p3": lambda: _images((EXAMPLES / REAL_PDFS[1]).read_bytes(), [3])[0]}
    with tempfile.TemporaryDirectory() as tmp:
        noisy = Image.open(_noisy(page4.copy(), Path(tmp) / "noisy.png"))
        noisy.load()
    images["page4-noisy"] = lambda: noisy
    out: dict[str, list] = {}
    ocrengine._sessions["rec"] = Recording()
    try:
        for name in names:
            ocr._seen.clear()  # as a reading process that has read nothing else
            ocr._seen_steps = 0
            calls.clear()
            ocr.recognise(images[name](), DPI / 72)
            out[name] = list(calls)
    finally:
        ocrengine._sessions["rec"] = real
    return out


# --- the runtimes ----------------------------------------------------------------------------------

def _ort():
    from gongkai.read import ocrengine

    session = ocrengine.session("rec")
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x})[0]


def _lone(x):
    """A narrow line gongkai runs beside a copy of itself (onnxruntime's batch rule): once here."""
    import numpy as np

    return x[:1] if len(x) == 2 and np.array_equal(x[0], x[1]) else x


def _mnn_convert(model: str, out: Path, erf: bool):
    """The MNN model made from ``model``; the converter's CPU (a Sample)."""
    cmd = [sys.executable, "-m", "MNN.tools.mnnconvert", "-f", "ONNX", "--modelFile", model,
           "--MNNModel", str(out), "--bizCode", "gongkai"]
    if erf:
        cmd += ["--useGeluApproximation", "0"]
    return child(cmd)[0]


def _mnn(path: Path, winograd_hint: int | None = None):
    import MNN.expr as F
    import MNN.nn as nn
    import numpy as np

    manager = nn.create_runtime_manager(({"backend": "CPU", "precision": "high", "numThread": 1},))
    if winograd_hint is not None:
        manager.set_hint(3, winograd_hint)  # Interpreter::WINOGRAD_MEMORY_LEVEL
    net = nn.load_module_from_file(str(path), ["x"], ["fetch_name_0"], runtime_manager=manager)

    def run(x):
        x = _lone(x)
        out = F.convert(net.forward(F.const(x, list(x.shape), F.NCHW)), F.NCHW)
        return np.array(out.read(), copy=True)
    return run


def _pnnx_binary() -> Path | None:
    from importlib.util import find_spec

    spec = find_spec("pnnx")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "pnnx"
    return binary if binary.exists() else None


def _ncnn_convert(model: str, folder: Path):
    """The ncnn model (param, weights) made from ``model``, and the converter's CPU (a Sample)."""
    binary = _pnnx_binary()
    assert binary is not None
    local = folder / "rec.onnx"
    shutil.copyfile(model, local)  # pnnx writes its by-products beside the model
    param, weights = folder / "rec.ncnn.param", folder / "rec.ncnn.bin"
    made, _ = child([str(binary), str(local), "inputshape=[1,3,48,320]", "inputshape2=[1,3,48,96]", "fp16=0",
                     f"ncnnparam={param}", f"ncnnbin={weights}", f"ncnnpy={folder / 'rec_ncnn.py'}"], cwd=str(folder))
    return param, weights, made


def _ncnn(param: Path, weights: Path, packing: bool):
    import ncnn
    import numpy as np

    net = ncnn.Net()
    opt = net.opt
    opt.num_threads = 1
    opt.use_vulkan_compute = False
    opt.use_winograd_convolution = False
    opt.use_fp16_packed = opt.use_fp16_storage = opt.use_fp16_arithmetic = False
    opt.use_bf16_storage = False
    opt.use_packing_layout = packing
    net.load_param(str(param))
    net.load_model(str(weights))

    def run(x):
        rows = []
        for row in _lone(x):  # ncnn reads one line a run
            ex = net.create_extractor()
            ex.input("in0", ncnn.Mat(np.ascontiguousarray(row)))
            _, out = ex.extract("out0")
            rows.append(np.array(out))
        return np.stack(rows)
    return run


def _runtimes(work: Path) -> dict:
    from gongkai.read import ocrengine

    model = ocrengine.model_path("rec")
    runs = {"onnxruntime (gongkai's session)": _ort()}
    try:
        import MNN  # noqa: F401
    except ImportError:
        print("MNN: not installed (pip install MNN) — skipped")
    else:
        _mnn_convert(model, work / "rec-approx.mnn", erf=False)
        made = _mnn_convert(model, work / "rec-erf.mnn", erf=True)
        print(f"MNN: mnnconvert made the model in {made.cpu:.1f} s CPU")
        runs["MNN, GELU approximated (mnnconvert's default)"] = _mnn(work / "rec-approx.mnn")
        runs["MNN, GELU by erf"] = _mnn(work / "rec-erf.mnn")
        runs["MNN, GELU by erf, Winograd hint 0"] = _mnn(work / "rec-erf.mnn", winograd_hint=0)
    try:
        import ncnn  # noqa: F401
    except ImportError:
        print("ncnn: not installed (pip install ncnn) — skipped")
    else:
        if _pnnx_binary() is None:
            print("ncnn: pnnx (its converter) not installed (pip install pnnx) — skipped")
        else:
            param, weights, made = _ncnn_convert(model, work)
            print(f"ncnn: pnnx made the model in {made.cpu:.1f} s CPU")
            runs["ncnn, packed layout"] = _ncnn(param, weights, packing=True)
            runs["ncnn, no packed layout"] = _ncnn(param, weights, packing=False)
    return runs


# --- what is compared ------------------------------------------------------------------------------

def _stored(out):
    """Per line: its steps' best classes, and the stored confidences of the steps kept (as
    ocrengine.decode_line keeps them: a class not blank and not its predecessor's, rounded to 5 places)."""
    import numpy as np

    got = []
    for row in out:
        best = row.argmax(axis=1)
        prob = np.take_along_axis(row, best[:, None], axis=1)[:, 0].astype(np.float64)
        keep = np.ones(len(best), dtype=bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        got.append((best, np.round(prob[keep], 5), row))
    return got


def accuracy(reference, run, calls) -> tuple[int, int, int, float, float]:
    """(lines, lines whose text changed, lines with a stored confidence moved by more than the
    ruling, the largest move of a stored confidence, the largest difference of any probability)."""
    import numpy as np

    lines = changed = moved = 0
    worst = biggest = 0.0
    for x in calls:
        ours = _stored(reference(x))
        theirs = _stored(run(x))
        for (best, conf, row), (best2, conf2, row2) in zip(ours, theirs):
            lines += 1
            if not np.array_equal(best, best2):
                changed += 1
                continue
            move = float(np.abs(conf - conf2).max()) if len(conf) else 0.0
            moved += move > CONF_RULING + 1e-12
            worst = max(worst, move)
            biggest = max(biggest, float(np.abs(row - row2).max()))
    return lines, changed, moved, worst, biggest


def fit(runs: dict, line_input, reps: int) -> dict[str, tuple[float, float, float]]:
    """label -> (ms a call, ms per 100 px, ms a WIDE line): least squares over FIT_WIDTHS; at each
    width every runtime in turn, ``reps`` rounds, the fastest (the other processes' share of the
    cores only adds to a run: the least is the runtime's own cost)."""
    import numpy as np

    times: dict[str, list[float]] = {label: [] for label in runs}
    for width in (*FIT_WIDTHS, WIDE):
        x = np.zeros((1, 3, 48, width), dtype=np.float32)
        x[..., :min(width, line_input.shape[3])] = line_input[..., :width]
        for run in runs.values():
            run(x)  # a new shape: planned before it is timed
        got = alternate({label: (lambda run=run, x=x: measure(lambda: run(x))) for label, run in runs.items()}, reps)
        for label, samples in got.items():
            times[label].append(min(s.cpu for s in samples) * 1000)
    out = {}
    for label, ys in times.items():
        slope, intercept = np.polyfit([w / 100 for w in FIT_WIDTHS], ys[:-1], 1)
        out[label] = float(intercept), float(slope), ys[-1]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--keep", type=Path, help="keep the converted models here")
    args = ap.parse_args()
    names = [p for p in args.pages.split(",") if p]
    print(machine())
    from gongkai.read import ocr

    ocr._one_opencv_thread()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        runs = _runtimes(work)
        pages = _page_calls(names)
        reference = runs["onnxruntime (gongkai's session)"]
        for name, calls in pages.items():
            rows = sum(len(_lone(x)) for x in calls)
            px = sum(len(_lone(x)) * x.shape[3] for x in calls)
            print(f"\n{name}: {len(calls)} calls of the recogniser, {rows} lines, {px:,} px at 48 px high")
            for label, run in runs.items():
                if run is reference:
                    continue
                lines, changed, moved, worst, biggest = accuracy(reference, run, calls)
                verdict = "within the ruling" if not changed and not moved else "NOT within the ruling"
                print(f"  {label:48} {changed} of {lines} lines' text changed, {moved} with a stored confidence "
                      f"moved > 1e-5 (at most {worst:.1e}; any probability {biggest:.1e}): {verdict}")
            jobs = {label: (lambda run=run, calls=calls: measure(lambda: [run(x) for x in calls])) for label, run in runs.items()}
            got = alternate(jobs, args.rounds)
            base = median(got["onnxruntime (gongkai's session)"])
            for label, samples in got.items():
                print(line(f"  {label[:42]}", samples, per="a page") + f"  {median(samples) / base:.2f}× onnxruntime's"
                      f", {median(samples) / rows * 1000:.1f} ms a line")
        widest = pages or _page_calls(["page1"])  # --pages "": the fit alone, on page 1's widest line
        wide = max((x for calls in widest.values() for x in calls), key=lambda x: x.shape[3])[:1]
        print(f"\nper call and per 100 px (one real line at {', '.join(map(str, FIT_WIDTHS))} px, each width "
              f"alone, the least of 9, fitted), and the line at {WIDE} px:")
        for label, (call, per100, wide_ms) in fit(runs, wide, 9).items():
            print(f"  {label:48} {call:5.2f} ms a call + {per100:5.2f} ms per 100 px; {wide_ms:6.1f} ms at {WIDE} px")
    print(machine())


if __name__ == "__main__":
    main()
