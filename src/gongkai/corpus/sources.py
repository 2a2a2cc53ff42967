"""What to ingest: files, directories (walked) and ZIP archives (members read in memory).

ZIP members are never extracted to disk.  Limits guard against archive bombs: a member may
not be larger than a report can be, the size read is checked against the header (which can
lie), and members compressed more than ``MAX_RATIO`` times are refused.  Member names from
Chinese Windows archives carry GBK bytes without the UTF-8 flag; they are decoded as GB18030.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import UnreadableFile
from gongkai.files import read_regular
from gongkai.inputs import files_under, is_report_name
from gongkai.read import MAX_BINARY_BYTES
from gongkai.read.limits import read_member

MAX_MEMBER_BYTES = MAX_BINARY_BYTES
MAX_RATIO = 200  # text compresses ~5-10x; hundreds of times is a bomb
MAX_MEMBERS = 100_000


@dataclass
class Item:
    """One report file to ingest: a file on disk or a member of a ZIP archive."""

    path: str  # what the user sees: /a/b.txt or /a/c.zip!dir/d.txt
    name: str  # the file name alone
    archive: str | None = None
    member: zipfile.ZipInfo | None = None
    problem: str | None = None  # known unreadable before reading (listed as a failure)
    uploaded: bytes | None = None  # the archive's bytes: an uploaded ZIP read in memory

    def read(self) -> bytes:
        """The file's bytes: a regular file only (a FIFO is refused, not waited on); a ZIP member
        inflated in bounded steps whatever its header claims.  ValueError with the reason."""
        try:
            if self.archive is None:
                return read_regular(self.path, MAX_BINARY_BYTES)
            with zipfile.ZipFile(self.archive if self.uploaded is None else io.BytesIO(self.uploaded)) as zf:
                return read_member(zf, self.member, MAX_MEMBER_BYTES, self.path)
        except UnreadableFile as exc:
            raise ValueError(exc.message) from None


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _is_zip(path: str) -> bool:
    # By name: a damaged archive must still be reported as one, not silently skipped.
    return Path(path).suffix.lower() == ".zip"


def _zip_items(path: str, archive: bytes | None = None, others: bool = False,
               most: int = MAX_MEMBERS) -> Iterator[Item]:
    """The report members of the ZIP ``path`` (on disk, or the uploaded ``archive``'s bytes),
    named ``path!member``; ``others``: a nested ZIP or another file is named too, with why it is
    not read (an upload checked on the web); more than ``most`` reports: the whole ZIP refused."""
    try:
        zf = zipfile.ZipFile(path if archive is None else io.BytesIO(archive))
    except (zipfile.BadZipFile, OSError):
        yield Item(path, os.path.basename(path), problem="ZIP 压缩包已损坏或不完整，无法打开。请重新下载原文件。")
        return
    except UnicodeDecodeError:  # zipfile decodes a name flagged UTF-8 while it opens the archive
        yield Item(path, os.path.basename(path),
                   problem="ZIP 压缩包中有文件名标为 UTF-8 编码而实际不是，无法打开。请用其他压缩软件重新压缩。")
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            yield Item(path, os.path.basename(path), problem=f"压缩包成员过多（{len(infos)} 个，上限 {MAX_MEMBERS}）。")
            return
        named = sorted(((_member_name(i), i) for i in infos if not i.is_dir()), key=lambda n: n[1].filename)
        shown = [(name, info) for name, info in named if not name.startswith("__MACOSX/")
                 and not name.rsplit("/", 1)[-1].startswith(".")]
        reports = sum(1 for name, _ in shown if is_report_name(name.rsplit("/", 1)[-1]))
        if reports > most:
            yield Item(path, os.path.basename(path),
                       problem=f"压缩包中有 {reports} 个报告文件，一次最多 {most} 个：请分成几个压缩包上传。")
            return
        for name, info in shown:
            base = name.rsplit("/", 1)[-1]
            if not is_report_name(base):
                if others:
                    yield Item(f"{path}!{name}", base, problem="压缩包中的压缩包：请先解压后上传。"
                               if _is_zip(base) else "不是可读取的报告文件。")
                continue
            item = Item(f"{path}!{name}", base, archive=path, member=info, uploaded=archive)
            if info.flag_bits & 0x1:
                item.problem = "压缩包成员已加密，无法读取。"
            elif info.file_size > MAX_MEMBER_BYTES:
                item.problem = (f"压缩包成员解压后 {info.file_size / 1048576:.0f} MB，超过单个文件的上限"
                                f" {MAX_MEMBER_BYTES / 1048576:.0f} MB，未读取。")
            elif info.compress_size and info.file_size > 1_048_576 and info.file_size / info.compress_size > MAX_RATIO:
                item.problem = "压缩包成员压缩比异常（疑似压缩炸弹），已拒绝。"
            yield item


def as_given(path: str) -> str:
    """A stored path without the folders it was read from: the file's name as it was given (a ZIP
    member: ``包.zip!成员``).  What the web shows of where a report was read to anyone but the
    site's administrator: the server's folders (the upload folder names the uploader and the time)
    are the server's business; the name and the digest (``sha256``) say which file it was."""
    cut = path.lower().find(".zip!")
    outer, member = (path[:cut + 4], path[cut + 4:]) if cut >= 0 else (path, "")
    return os.path.basename(outer) + member


def upload_items(data: bytes, name: str, most: int) -> Iterator[Item]:
    """An uploaded ZIP's members as ingest reads them (``name!member``, read in memory under the
    same limits), every file of it named: a report to read, or why it is not read."""
    return _zip_items(name, data, others=True, most=most)


def iter_items(paths: list[str]) -> Iterator[Item]:
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for full in files_under(p):
                name = os.path.basename(full)
                if _is_zip(full):
                    yield from _zip_items(full)
                elif is_report_name(name):
                    yield Item(full, name)
        elif not p.exists():
            yield Item(path, p.name, problem="文件不存在。")
        elif _is_zip(path):
            yield from _zip_items(path)
        else:
            yield Item(path, p.name)
