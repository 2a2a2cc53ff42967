"""The server process's own work on one plain ``POST /api/parse``, in process, without HTTP and
without the read child: instructions (callgrind) or CPU per call, this tree against another.

    python bench/serve_front.py [--calls 2000] [--rounds 5] [--before DIR] [--callgrind]

``gongkai.web.wsgi.application`` (the front handler, web/front.py) is called directly with the
WSGI environ waitress would give for curl's upload of the 7 KB text report; the read child's
answer is stubbed (``isolate.run`` returns the real answer's bytes at once), so what is measured
is exactly what the server process adds to a call beyond waitress and the round trip to the
child: request checks, the upload's form, the endpoint, the response and its headers.  Every
answer must be 200 with the same bytes.  ``--before DIR`` (``git archive REV src | tar -x -C DIR``)
runs the same in a process importing ``DIR/src``, in alternating rounds (CPU medians, one load).
``--callgrind``: instructions per call instead (valgrind; the difference between a run of
``--calls`` calls and one of a fifth as many, so start-up cancels out; the load does not change
them).  Complements bench/serve_overhead.py, which measures the whole server over loopback.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _text() -> bytes:
    sys.path[:0] = [str(ROOT / "tests" / "web"), str(ROOT / "scripts")]  # (gk_web_support imports serverproc)
    from gk_web_support import seed  # the 7 KB text report of the other server benches

    return seed("000").read_bytes()


def _environ(body: bytes, boundary: str) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/parse", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False, "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "curl/8.5.0",
            "HTTP_ACCEPT": "*/*"}


def child(calls: int, rounds: int) -> None:
    """Run in the measured process: set up, warm up, then ``rounds`` × ``calls`` calls."""
    home = tempfile.mkdtemp(prefix="gongkai-serve-front-")
    os.environ.update(GONGKAI_WEB_HOME=home, GONGKAI_CORPUS_URL=str(Path(home) / "corpus.sqlite3"))
    os.environ.pop("GONGKAI_WEB_DB", None)
    text = _text()
    from gongkai.cli.serve import setup

    setup(None)
    from gongkai import isolate
    from gongkai.web.answer import report_json
    from gongkai.web.wsgi import application

    answer = report_json(text, "000.txt", None, False)
    isolate.run = lambda *args, **kwargs: answer  # type: ignore[assignment]  # the child answered at once
    boundary = "------------------------d74496d66958873e"  # curl's shape
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"000.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + text + f"\r\n--{boundary}--\r\n".encode()
    got: list = []

    def start_response(status, headers, exc_info=None):
        got[:] = [status]

    def call() -> None:
        out = application(_environ(body, boundary), start_response)
        data = b"".join(out)
        if hasattr(out, "close"):
            out.close()
        if got != ["200 OK"] or data != answer:
            raise SystemExit(f"unexpected answer: {got} {data[:200]!r}")

    for _ in range(200):  # warm: caches, the site options, the front's judged host
        call()
    for _ in range(rounds):
        cpu = time.process_time()
        for _ in range(calls):
            call()
        print(f"cpu {(time.process_time() - cpu) / calls * 1e6:.1f}", flush=True)


def _command(src: Path, calls: int, rounds: int, callgrind: Path | None = None) -> list[str]:
    cmd = [sys.executable, __file__, "--child", str(calls), str(rounds)]
    if callgrind:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind}", *cmd]
    return cmd


def _env(src: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(src), "DJANGO_SETTINGS_MODULE": "gongkai.web.settings"}


def _instructions(src: Path, calls: int) -> float:
    totals = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (calls // 5, calls):
            out = Path(tmp) / f"cg.{n}"
            subprocess.run(_command(src, n, 1, out), env=_env(src), check=True, capture_output=True, timeout=1800)
            summary = re.search(rb"^(?:summary|totals): (\d+)", out.read_bytes(), re.M)
            assert summary, "callgrind wrote no totals"
            totals.append(int(summary.group(1)))
    return (totals[1] - totals[0]) / (calls - calls // 5)


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]), int(sys.argv[3]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--before", type=Path, metavar="DIR", help="a checkout of earlier code, measured alongside")
    ap.add_argument("--callgrind", action="store_true", help="instructions per call (valgrind) instead of CPU")
    args = ap.parse_args()
    trees = {"this tree": ROOT / "src", **({"before": args.before.resolve() / "src"} if args.before else {})}
    print(f"cores: {os.cpu_count()}, load average (1 min): {os.getloadavg()[0]:.1f}")
    print("POST /api/parse of the 7 KB text, WSGI application called in process, the read child's answer stubbed")
    if args.callgrind:
        calls = min(args.calls, 500)
        for name, src in trees.items():
            print(f"  {name:10} {_instructions(src, calls) / 1e6:.3f} M instructions a call", flush=True)
        return 0
    samples: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(args.rounds):  # alternating: one short process per tree per round
        for name, src in trees.items():
            out = subprocess.run(_command(src, args.calls, 1), env=_env(src), capture_output=True, check=True,
                                 timeout=600).stdout.decode()
            samples[name] += [float(v) for v in re.findall(r"^cpu ([\d.]+)", out, re.M)]
    for name, got in samples.items():
        print(f"  {name:10} CPU {statistics.median(got):7.1f} µs a call  (median of {len(got)}; "
              f"{min(got):.1f}–{max(got):.1f})")
    print(f"cores: {os.cpu_count()}, load average (1 min): {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
