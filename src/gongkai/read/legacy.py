"""Legacy Word (.doc) and WPS (.wps) reports: converted to DOCX by LibreOffice headless.

Each conversion runs with its own throw-away profile (``-env:UserInstallation``), so parallel
conversions do not fight over one profile lock, and under a time limit; the whole process
group is killed when the limit passes, so a hostile file cannot hang the reader.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from gongkai.errors import MissingDependency, UnreadableFile
from gongkai.read.document import Document

TIMEOUT = 120  # seconds for one conversion; a report converts in about a second
DEBIAN_PACKAGE = "libreoffice-writer-nogui"


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, name: str, suffix: str, target: str = "docx", timeout: float = TIMEOUT) -> bytes:
    """``data`` (a .doc/.wps file) -> bytes of the ``target`` format, through LibreOffice."""
    soffice = find_soffice()
    if soffice is None:
        raise MissingDependency(
            f"读取 .{suffix} 文件需要 LibreOffice，但本机没有安装。请安装 Debian 软件包 {DEBIAN_PACKAGE}"
            f"（sudo apt-get install {DEBIAN_PACKAGE}），或先用 Word/WPS 把文件另存为 .docx 或 PDF。", name)
    with tempfile.TemporaryDirectory(prefix="gongkai-lo-") as work:
        root = Path(work)
        source = root / f"input.{suffix}"
        source.write_bytes(data)
        out = root / "out"
        profile = root / "profile"
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--nologo", "--convert-to", target, "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(root)}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise UnreadableFile(f"LibreOffice 转换 .{suffix} 文件超过 {timeout:.0f} 秒仍未完成，已中止。"
                                 "文件可能已损坏或结构异常。", name) from None
        result = out / f"input.{target}"
        if proc.returncode != 0 or not result.exists() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise UnreadableFile(f"LibreOffice 无法转换这个 .{suffix} 文件，文件可能已损坏或不是 Word/WPS 文档。"
                                 + (f"（{detail[0][:120]}）" if detail else ""), name)
        return result.read_bytes()


def read_legacy_word(data: bytes, name: str, form: str) -> Document:
    from gongkai.read.docx import read_docx

    converted = convert(data, name, form)
    doc = read_docx(converted, name, form=form)
    doc.notes.append(f"原文件为 .{form} 格式，已用 LibreOffice 转换为 .docx 后读取。")
    return doc
