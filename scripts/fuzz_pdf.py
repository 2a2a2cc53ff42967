"""Fuzzing of the binary readers: every damaged file must give a report or a clean Chinese refusal
naming the file, in bounded time and memory — never an internal error (exit 70 / HTTP 500),
a crash, a hang or a runaway process.

    python scripts/fuzz_pdf.py [--cases 900] [--start 0] [--seed 1] [--docx] [--no-ocr] [FILE ...]

Each case is one of the given files (default: examples/*.pdf; with --docx, a DOCX built from
examples/source-2024.yaml) damaged one way, seeded per case, so case N of a seed is the same
file in every run and a run can be done in slices (--start/--cases):

- PDF: 1-16 random bytes replaced;
- DOCX: bytes replaced in the file, bytes replaced inside one inflated part (then re-zipped, so
  the XML parser sees them), a part dropped, renamed or duplicated, a header's sizes or
  compression method changed, or the file cut short.

A case runs as ``gongkai parse`` + ``gongkai check`` would (read, extract, JSON out, rules) in
its own forked child with an address-space limit (--memory-mb) and a CPU-time limit
(--cpu-seconds), killed after --seconds of wall time (a hang; generous, as the machine may be
shared); its CPU time and peak memory come from the kernel (wait4).  A byte flip in a font's
encoding map leaves a page without usable text, which is then read by OCR as a scan is
(10-20 CPU seconds a page): --no-ocr reads such pages as if OCR were not installed, so a long
run stays cheap, and the cases that needed OCR can be run again with it.  A line is printed for every
case that is not fine and a progress line every 25 cases; bad cases are written to --keep
(default /tmp/gongkai-fuzz) with their reason, for a regression fixture and a fix.  Exit 1 if
any case was bad.
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import random
import re
import resource
import select
import signal
import sys
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A refusal is in Chinese; the Latin words it may contain are format names and the names of the
# file's parts (word/document.xml).  A Python exception's name or an English library message
# (KeyError, "There is no item named ...") tells a clerk nothing.
LATIN_OK = {"PDF", "DOCX", "Word", "ZIP", "OCR", "XML", "HTML", "Excel", "EOF", "JSON", "YAML", "JPEG", "TIFF",
            "WPS", "MIME", "docx", "gongkai", "install", "pip"}
PART_NAME = re.compile(r"[\w\[\]./-]*[/.][\w\[\]./-]+", re.ASCII)


# -- mutations ---------------------------------------------------------------------------------

def flip_bytes(data: bytes, rng: random.Random, most: int = 16) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, most)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _rezip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, body in members:
            z.writestr(info, body)
    return buf.getvalue()


def mutate_docx(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One structural or byte-level damage to a DOCX, and its name."""
    import warnings

    z = zipfile.ZipFile(io.BytesIO(data))
    members = [(info, z.read(info)) for info in z.infolist()]
    kind = rng.choice(["flip-file", "flip-part", "flip-part", "drop-part", "rename-part", "duplicate-part",
                       "header-size", "header-method", "truncate"])
    i = rng.randrange(len(members))
    if kind == "flip-file":
        return kind, flip_bytes(data, rng)
    if kind == "flip-part":  # the XML parser sees the damage (a CRC error would hide it otherwise)
        xml = [j for j, (info, _) in enumerate(members) if info.filename.endswith((".xml", ".rels"))]
        i = rng.choice(xml)
        info, body = members[i]
        members[i] = (info, flip_bytes(body, rng, 8))
        return f"{kind}:{info.filename}", _rezip(members)
    if kind == "drop-part":
        name = members.pop(i)[0].filename
        return f"{kind}:{name}", _rezip(members)
    if kind == "rename-part":
        info, body = members[i]
        renamed = zipfile.ZipInfo(info.filename[:-1] + "_", info.date_time)
        members[i] = (renamed, body)
        return f"{kind}:{info.filename}", _rezip(members)
    if kind == "duplicate-part":
        info, body = members[i]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name" is the point
            members.append((zipfile.ZipInfo(info.filename, info.date_time), flip_bytes(body, rng, 4)))
            return f"{kind}:{info.filename}", _rezip(members)
    out = bytearray(data)
    if kind == "truncate":
        return kind, bytes(out[:rng.randrange(len(out))])
    # Headers: local (PK\3\4) or central (PK\1\2) entry of one member.
    heads = [m.start() for m in re.finditer(rb"PK\x03\x04|PK\x01\x02", data)]
    at = rng.choice(heads)
    central = data[at + 2:at + 4] == b"\x01\x02"
    if kind == "header-size":
        offset = at + (20 if central else 18) + rng.choice([0, 4])  # compressed or uncompressed size
        out[offset:offset + 4] = rng.choice([0, 1, 0xFFFFFFFF, rng.randrange(1 << 32)]).to_bytes(4, "little")
    else:
        offset = at + (10 if central else 8)
        out[offset:offset + 2] = rng.choice([0, 1, 9, 12, 14, 99, rng.randrange(1 << 16)]).to_bytes(2, "little")
    return f"{kind}@{at}", bytes(out)


def make_case(originals: list[tuple[str, bytes]], seed: int, case: int, docx: bool) -> tuple[str, str, bytes]:
    rng = random.Random(f"{seed}-{case}")
    source, data = originals[case % len(originals)]
    name = f"fuzz-{seed}-{case:04d}-{source}"
    if docx:
        how, damaged = mutate_docx(data, rng)
        return name, how, damaged
    return name, "flip", flip_bytes(data, rng)


# -- one case, in a forked child ---------------------------------------------------------------

OCR_PAGES = [0]  # pages of the case OCR read (a damaged font map makes a page look like a scan)
NEED_OCR = [0]  # with --no-ocr: pages that OCR would have read


def _counted(function):
    def counting(*args, **kwargs):
        OCR_PAGES[0] += 1
        return function(*args, **kwargs)
    return counting


def read_like_a_user(data: bytes, name: str, no_ocr: bool = False) -> tuple:
    """What ``gongkai parse`` and ``gongkai check`` do with the file, as ("report"|"refusal", detail)."""
    import json

    from gongkai.check import check_report
    from gongkai.errors import GongkaiError
    from gongkai.extract import is_truncated
    from gongkai.load import load_input
    from gongkai.read import pdf

    pdf._ocr_page = _counted(pdf._ocr_page)
    pdf._image_rulings = _counted(pdf._image_rulings)
    if no_ocr:
        from gongkai.read import ocr

        ocr.available = lambda: False
        is_scan = pdf._is_scan

        def counted_scan(*args):
            scan = is_scan(*args)
            NEED_OCR[0] += scan
            return scan
        pdf._is_scan = counted_scan
    try:
        loaded = load_input(data, name)
        for report in loaded.reports:
            is_truncated(report)
            json.loads(json.dumps(report.to_dict(), ensure_ascii=False, default=str, allow_nan=False))
            findings = check_report(report)
            json.dumps([f.to_dict() for f in findings], ensure_ascii=False, allow_nan=False)
        cells = sum(len(r.cells) for r in loaded.reports)
        return ("report", f"{cells} cells" + (f", {OCR_PAGES[0]} page(s) OCR" if OCR_PAGES[0] else ""))
    except GongkaiError as exc:
        return ("refusal", exc.message, exc.path)


def _child(data: bytes, name: str, write_fd: int, memory_mb: int, cpu_seconds: int, no_ocr: bool) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))  # SIGXCPU, then SIGKILL
    try:
        answer = read_like_a_user(data, name, no_ocr)
    except MemoryError:
        answer = ("MEMORY", "MemoryError")
    except BaseException as exc:  # noqa: BLE001 - this is what the fuzzer looks for
        answer = ("INTERNAL", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=-6))
    with os.fdopen(write_fd, "wb") as out:
        pickle.dump((answer, OCR_PAGES[0], NEED_OCR[0]), out)


def run_case(data: bytes, name: str, memory_mb: int, seconds: float, cpu_seconds: int,
             no_ocr: bool) -> tuple[tuple, int, int, float, int, float]:
    """(answer, pages read by OCR, pages left unread for want of OCR, CPU seconds, peak RSS in MB,
    wall seconds) of reading ``data`` in a forked child."""
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        status = 0
        try:
            _child(data, name, write_fd, memory_mb, cpu_seconds, no_ocr)
        except BaseException:  # noqa: BLE001
            status = 1
        os._exit(status)
    os.close(write_fd)
    chunks = []
    killed = False
    deadline = started + seconds
    while True:  # until the child closes its end (it answered, or died) or runs out of time
        ready, _, _ = select.select([read_fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            killed = True
            break
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - started
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss // 1024
    if killed:
        return ("TIMEOUT", f"killed after {seconds:.0f} s of wall time"), 0, 0, cpu, peak, wall
    try:
        answer, ocr_pages, need_ocr = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - no answer: the child died
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if sig in (signal.SIGXCPU, signal.SIGKILL):  # the CPU-time limit
            answer = ("SLOW", f"CPU limit ({cpu_seconds} s) reached")
        else:
            answer = ("CRASH", f"signal {signal.Signals(sig).name}" if sig else f"exit {os.WEXITSTATUS(status)}")
        ocr_pages = need_ocr = 0
    return answer, ocr_pages, need_ocr, cpu, peak, wall


OCR_PAGE_CPU = 30  # CPU seconds one OCR'd page may take (a page of a real scan takes 10-20)
OCR_PAGE_MB = 1200  # and its peak memory


def verdict(answer: tuple, name: str, ocr_pages: int, cpu: float, peak: int, slow_cpu: float,
            big_mb: int) -> str | None:
    """Why a case is bad, or None.  A page whose damaged font map left no usable text is read by
    OCR, as a scan is: that costs what OCR costs, which is bounded per page."""
    kind = answer[0]
    if kind in ("INTERNAL", "CRASH", "TIMEOUT", "MEMORY", "SLOW"):
        return kind
    if kind == "refusal":
        message, path = answer[1], answer[2]
        if not re.search(r"[\u4e00-\u9fff]", message):
            return "NOT CHINESE"
        latin = [w for w in re.findall(r"[A-Za-z_]{4,}", PART_NAME.sub("", message)) if w not in LATIN_OK]
        if latin:
            return "NOT CHINESE"
        if path != name:
            return "FILE NOT NAMED"
    if cpu > slow_cpu + OCR_PAGE_CPU * ocr_pages:
        return "SLOW"
    if peak > (OCR_PAGE_MB if ocr_pages else big_mb):
        return "BIG"
    return None


# -- the run -----------------------------------------------------------------------------------

def docx_original() -> tuple[str, bytes]:
    from gongkai.load import load_source
    from gongkai.render import render

    source = load_source(ROOT / "examples" / "source-2024.yaml")
    return "source-2024.docx", render(source.report, "docx")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--cases", type=int, default=900)
    ap.add_argument("--start", type=int, default=0, help="first case number (to run a long fuzz in slices)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="these case numbers (comma-separated) instead of --start/--cases")
    ap.add_argument("--docx", action="store_true", help="fuzz DOCX instead of PDF")
    ap.add_argument("--no-ocr", action="store_true", help="read pages without usable text as if OCR were not installed")
    ap.add_argument("--seconds", type=float, default=900, help="wall time after which a case is killed (a hang)")
    ap.add_argument("--cpu-seconds", type=int, default=200, help="CPU time after which a case is killed")
    ap.add_argument("--slow-cpu", type=float, default=5, help="CPU seconds above which a case is SLOW")
    ap.add_argument("--memory-mb", type=int, default=3072, help="address-space limit of a case")
    ap.add_argument("--big-mb", type=int, default=600, help="peak RSS above which a case is BIG")
    ap.add_argument("--keep", type=Path, default=Path("/tmp/gongkai-fuzz"))
    args = ap.parse_args()

    # Imported once here, so every forked case starts warm (OCR is imported in the case when
    # needed: its thread pools must not be started before a fork).
    import gongkai.check
    import gongkai.extract
    import gongkai.load
    import gongkai.read.docx
    import gongkai.read.pdf  # noqa: F401

    if args.files:
        originals = [(p.name, p.read_bytes()) for p in args.files]
    elif args.docx:
        originals = [docx_original()]
    else:
        originals = [(p.name, p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.pdf"))]
    args.keep.mkdir(parents=True, exist_ok=True)
    outcomes: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    bad = 0
    needing_ocr: list[int] = []
    cpu_total = worst_cpu = 0.0
    worst_peak = 0
    started = time.monotonic()
    cases = ([int(c) for c in args.only.split(",")] if args.only
             else list(range(args.start, args.start + args.cases)))
    print(f"fuzz: {len(cases)} cases {cases[0]}..{cases[-1]} (seed {args.seed}) of "
          f"{', '.join(n for n, _ in originals)}" + (", pages that need OCR left unread" if args.no_ocr else ""),
          flush=True)
    for done, case in enumerate(cases, 1):
        name, how, damaged = make_case(originals, args.seed, case, args.docx)
        answer, ocr_pages, need_ocr, cpu, peak, wall = run_case(damaged, name, args.memory_mb, args.seconds,
                                                                args.cpu_seconds, args.no_ocr)
        cpu_total += cpu
        worst_cpu, worst_peak = max(worst_cpu, cpu), max(worst_peak, peak)
        why = verdict(answer, name, ocr_pages, cpu, peak, args.slow_cpu, args.big_mb)
        outcomes[why or answer[0] + (" after OCR" if ocr_pages else "") + (" (OCR skipped)" if need_ocr else "")] += 1
        if need_ocr:
            needing_ocr.append(case)
        if answer[0] == "refusal":
            messages[answer[1][:80]] += 1
        if why:
            bad += 1
            detail = " | ".join(str(a) for a in answer[1:])
            print(f"  {why}: {name} ({how}, {ocr_pages} OCR pages) cpu {cpu:.1f} s, peak {peak} MB, "
                  f"wall {wall:.1f} s: {detail[:300]}", flush=True)
            (args.keep / name).write_bytes(damaged)
            (args.keep / (name + ".txt")).write_text(f"{why} ({how}) cpu {cpu:.1f} s peak {peak} MB\n{detail}\n",
                                                     encoding="utf-8")
        if done % 25 == 0 or done == len(cases):
            print(f"[{done}/{len(cases)}] {time.monotonic() - started:.0f} s wall, {cpu_total:.0f} s CPU, "
                  f"worst case {worst_cpu:.1f} s CPU / {worst_peak} MB: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())), flush=True)
    if needing_ocr:
        print(f"cases with pages that need OCR ({len(needing_ocr)}; run them with OCR: --only "
              f"{','.join(map(str, needing_ocr))})")
    print("refusals:")
    for message, n in messages.most_common():
        print(f"  {n:4d}  {message}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
