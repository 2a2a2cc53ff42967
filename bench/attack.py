"""A hostile visitor against ``gongkai serve``, on loopback only, bounded: malformed HTTP, hostile
bodies and bombs on every endpoint that takes a file, slow senders, and one user reaching for
another body's data.  Each answer must come with the expected status and a Chinese message, in
bounded time, and the server must go on serving others (a page fetched after every probe).

    python bench/attack.py [--gongkai PATH]

Starts ``gongkai serve`` like bench/crowd.py (a fresh data directory, four bodies with a clerk
each, a supervisor).  Prints one line a probe (status, seconds, the message) and the server's
memory (with its children) before and after; exit status 0 only if every probe was answered as
expected and the server is alive.  Standard library only.  Takes about a minute (the slow-sender
probe waits for the server's 20 s deadline).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable

from crowd import TEXT, Client, gongkai_cmd, multipart, serverproc, setup_site, signed_in, token, tree_rss

CJK = re.compile("[\u4e00-\u9fff]")
MB = 1024 * 1024


def raw(port: int, data: bytes, timeout: float = 30) -> tuple[int, str]:
    """Bytes sent on a new connection: the answer's status and body (text), read to the close."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        while chunk := s.recv(65536):
            got += chunk
    head, _, body = got.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body.decode("utf-8", "replace")


def docx_bomb() -> bytes:
    """A DOCX whose document part inflates to 300 MB (1,000 times its size)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                           'package/2006/content-types"/>')
        zf.writestr("word/document.xml", b"<w:document>" + b"a" * 300 * MB + b"</w:document>")
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def pdf_bomb() -> bytes:
    """A one-page PDF whose content stream inflates to 300 MB."""
    data = zlib.compress(b"q " * 150 * MB, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    out, offsets = b"%PDF-1.7\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def slow_senders(port: int, n: int = 120) -> tuple[int, str]:
    """``n`` connections sending a header byte now and then: a visitor must still get the page."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /check/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ")
        socks.append(s)
    try:
        time.sleep(2)
        for s in socks:
            try:
                s.sendall(b"a")
            except OSError:
                pass
        status, _, body = Client(port, keep=False).request("GET", "/check/")
        return status, "检查年度报告" if "检查年度报告" in body.decode() else body[:80].decode("utf-8", "replace")
    finally:
        for s in socks:
            s.close()


def probes(port: int, tokens: list[str], body_ids: list[int], sup: Client, clerk: Client
           ) -> list[tuple[str, set[int], Callable]]:
    """(name, the statuses expected, a call giving (status, text))."""
    host = f"Host: 127.0.0.1:{port}\r\n".encode()
    anon = Client(port, keep=False)
    a = Client(port, False, {"Authorization": f"Bearer {tokens[0]}"})
    b_id = body_ids[1]
    text = TEXT.read_bytes()

    def post(client: Client, path: str, files, fields=None):
        status, _, data = client.request("POST", path, *multipart(files, fields))
        return status, data.decode("utf-8", "replace")

    def sent(client: Client, path: str, body: bytes, ctype: str):
        status, _, data = client.request("POST", path, body, ctype)
        return status, data.decode("utf-8", "replace")

    def api(client: Client, method: str, path: str, body: bytes | None = None):
        status, _, data = client.request(method, path, body, "application/json" if body is not None else None)
        return status, data.decode("utf-8", "replace")

    def form(path: str, files, field="file", extra=None, who: Client = sup):
        """A signed-in form post: the message the page it sends back to shows."""
        status, headers, data = who.request("POST", path, *multipart([(field, n, d) for n, d in files],
                                                                    {"csrfmiddlewaretoken": who.cookies["csrftoken"],
                                                                     **(extra or {})}))
        if status == 302:
            page = who.request("GET", headers["location"])[2].decode()
            said = re.findall(r'<li class="(?:error|success)[^"]*">(.*?)</li>', page, re.S)
            return status, " | ".join(re.sub("<[^>]+>", "", x) for x in said)
        return status, data.decode("utf-8", "replace")

    bombs = {"bomb.docx": docx_bomb(), "bomb.pdf": pdf_bomb(), "bomb.zip": zip_of({"a.txt": b"0" * 300 * MB}),
             "many.xlsx": zip_of({f"{i}.xml": b"x" for i in range(20_000)})}
    out: list[tuple[str, set[int], Callable]] = [
        ("Content-Length 10^11", {413}, lambda: raw(port, b"POST /api/parse HTTP/1.1\r\n" + host + b"Content-Length: 99999999999\r\n\r\nx")),
        ("negative Content-Length", {400}, lambda: raw(port, b"POST /api/parse HTTP/1.1\r\n" + host + b"Content-Length: -5\r\n\r\n")),
        ("bad chunk size", {400}, lambda: raw(port, b"POST /api/parse HTTP/1.1\r\n" + host
                                              + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")),
        ("300 KB of headers", {431}, lambda: raw(port, b"GET / HTTP/1.1\r\n" + host + b"X-A: " + b"a" * 300_000 + b"\r\n\r\n")),
        ("garbage start line", {400}, lambda: raw(port, b"\x00\x01 hello\r\n\r\n")),
        ("Host not this site's", {400}, lambda: raw(port, b"GET /check/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")),
        ("HTTP/1.0 without Host", {400}, lambda: raw(port, b"GET /register/ HTTP/1.0\r\n\r\n")),
        ("10,000 file parts", {413}, lambda: post(anon, "/api/parse", [("file", f"{i}.txt", b"x") for i in range(10_000)])),
        ("10,000 form fields", {413}, lambda: post(anon, "/api/parse", [("file", "a.txt", text)], {f"f{i}": "x" for i in range(10_000)})),
        ("multipart without boundary", {400}, lambda: sent(anon, "/api/parse", b"--x\r\n", "multipart/form-data")),
        ("file name ../../etc/a.txt", {200}, lambda: post(anon, "/api/parse", [("file", "../../etc/a.txt", text)])),
        ("file name with NUL", {200}, lambda: post(anon, "/api/parse", [("file", "a\x00.txt", text)])),
        ("invalid UTF-8 .txt", {400}, lambda: post(anon, "/api/parse", [("file", "a.txt", b"\xff\xfe\xfd" * 3000)])),
        ("GB18030 report", {200}, lambda: post(anon, "/api/check", [("file", "a.txt", text.decode().encode("gb18030"))])),
        ("JSON 1,000 levels deep", {400}, lambda: api(a, "POST", f"/api/bodies/{body_ids[0]}/requests", b"[" * 1000 + b"]" * 1000)),
        ("JSON number of 10^6 digits", {400}, lambda: api(a, "POST", f"/api/bodies/{body_ids[0]}/requests", b'{"x": ' + b"9" * 1_000_000 + b"}")),
        ("JSON in GB18030", {400}, lambda: api(a, "POST", f"/api/bodies/{body_ids[0]}/requests", '{"content": "公开"}'.encode("gb18030"))),
        ("?page=10^20", {400}, lambda: api(a, "GET", f"/api/bodies/{body_ids[0]}/requests?page=99999999999999999999")),
        ("clerk A reads body B's register", {403}, lambda: api(a, "GET", f"/api/bodies/{b_id}/requests")),
        ("clerk A writes body B's register", {403}, lambda: api(a, "POST", f"/api/bodies/{b_id}/requests", b"{}")),
        ("clerk A builds body B's report", {403}, lambda: api(a, "GET", f"/api/bodies/{b_id}/reports/2025/build?to=docx")),
        ("anonymous reads a register", {401}, lambda: api(anon, "GET", f"/api/bodies/{b_id}/requests")),
        ("POST the OpenAPI document", {405}, lambda: api(a, "POST", "/api/openapi.json", b"{}")),
    ]
    for name, data in bombs.items():
        if not name.endswith(".xlsx"):
            out.append((f"{name} to /api/parse", {400}, lambda d=data, n=name: post(anon, "/api/parse", [("file", n, d)])))
            out.append((f"{name} as last year's report", {400}, lambda d=data, n=name: post(
                anon, "/api/check", [("file", "a.txt", text), ("previous", n, d)])))
        out.append((f"{name} to the corpus upload", {302}, lambda d=data, n=name: form("/survey/upload", [(n, d)])))
    out.append(("many.xlsx to /roster/import", {302}, lambda: form("/roster/import", [("many.xlsx", bombs["many.xlsx"])])))
    for what, path in (("register", f"/register/{body_ids[0]}/import"), ("log", f"/register/{body_ids[0]}/log/import")):
        for name in ("many.xlsx", "bomb.zip"):
            out.append((f"{name} as a {what} import", {302}, lambda p=path, n=name: form(
                p, [(n.replace(".zip", ".xlsx"), bombs[n])], who=clerk)))
    out.append(("bomb.docx as a letter template", {302}, lambda: form(
        f"/register/{body_ids[0]}/templates/", [("t.docx", bombs["bomb.docx"])], "template", {"letter": "receipt"}, clerk)))
    out.append(("120 slow senders, then a visitor", {200}, lambda: slow_senders(port)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gongkai", help="the gongkai console script to run (default: this Python's -m gongkai)")
    args = ap.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-attack-", ignore_cleanup_errors=True) as tmp:
        env = {**os.environ, "GONGKAI_WEB_HOME": tmp, "HOME": tmp}
        env.pop("GONGKAI_WEB_DB", None)
        setup_site(args, env)
        tokens = [token(args, env, f"clerk{i}") for i in range(2)]
        port = serverproc.free_port()
        server = subprocess.Popen([*gongkai_cmd(args), "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            serverproc.wait_up(server, f"http://127.0.0.1:{port}/check/")
            body_ids = [Client(port, False, {"Authorization": f"Bearer {t}"}).json("GET", "/api/bodies")[1]["bodies"][0]["id"]
                        for t in tokens]
            before = tree_rss(server.pid)
            for name, expected, call in probes(port, tokens, body_ids, signed_in(port, "sup"), signed_in(port, "clerk0")):
                started = time.monotonic()
                try:
                    status, said = call()
                except Exception as exc:  # noqa: BLE001 - a probe that got no answer is a failure
                    status, said = 0, f"{type(exc).__name__}: {exc}"
                spent = time.monotonic() - started
                message = said if status >= 300 else ""
                fine = status in expected and spent < 60 and (not message or CJK.search(message))
                alive = Client(port, keep=False).request("GET", "/check/")[0] == 200
                failed += not (fine and alive)
                shown = re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", message))
                shown = (re.search(r"[^ ]*[\u4e00-\u9fff].{0,110}", shown) or re.match(".{0,110}", shown))[0]  # type: ignore[index]
                print(f"{'ok ' if fine and alive else 'BAD'} {name:36s} {status:3d} {spent:5.1f} s  {shown}")
            after = tree_rss(server.pid)
        finally:
            serverproc.stop(server)
    print(f"memory (server and children, RSS): {before / MB:.0f} MB before, {after / MB:.0f} MB after; "
          f"{failed} probe(s) not answered as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
