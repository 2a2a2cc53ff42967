"""Tables people keep in CSV or Excel files — the request register's and the log's imports and
exports, the web's list of bodies — read and written in one place.

Reading is bounded like every input from outside: only a regular file (a FIFO or a device is
refused before a byte is read), at most ``MAX_BYTES`` (a workbook is a ZIP package: every part's
inflation is checked first, :func:`gongkai.read.limits.checked_package`), at most ``MAX_ROWS``
non-empty rows and ``MAX_COLUMNS`` columns.  A CSV is UTF-8 (with or without the BOM Excel and WPS
write) or else GB18030; a workbook is read from its first sheet, as the values Excel last
calculated.  Every problem is an :class:`~gongkai.errors.UnreadableFile` in Chinese naming the
file and, in a workbook, the sheet, with the row (第N行, as the user sees it in Excel or WPS).

Writing: a CSV (UTF-8 with BOM, so that Excel opens it as UTF-8) holds the first table; a workbook
holds every table, one sheet each, text kept as text (a cell starting with “=” is not a formula).
The file is replaced atomically: a failure never leaves half an export behind.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai import ooxml
from gongkai.errors import GongkaiError, UnreadableFile

MAX_BYTES = 64 * 1024 * 1024   # a register or list a user imports (the same bound for CSV and XLSX)
MAX_ROWS = 200_000             # non-empty rows
MAX_COLUMNS = 500              # a register export has about 40
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


@dataclass
class Table:
    """The rows of one table: its header (the first non-empty row, or the row naming every
    ``marker`` column) and the non-empty rows after it, each with its line as the user sees it."""

    path: str
    sheet: str | None                      # a workbook's sheet; None for a CSV
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)

    def where(self, line: int | None = None) -> str | None:
        """A place for a message: 工作表“办理记录”第12行, 第12行, or the sheet alone."""
        sheet = f"工作表“{self.sheet}”" if self.sheet else ""
        return (sheet + (f"第{line}行" if line else "")) or None

    def error(self, message: str, line: int | None = None) -> GongkaiError:
        return GongkaiError(message, self.path, self.where(line))


def read_table(path: str | Path, marker: tuple[str, ...] = (), norm: Callable[[str], str] = str.strip) -> Table:
    """The table in ``path`` (.csv, .txt, .xlsx, .xlsm).  ``marker``: header names that identify
    the header row among the first ten (a title row such as “某某局主动公开台账” above it is
    skipped), compared after ``norm``; without one the first non-empty row is the header."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile("只能导入 .csv 或 .xlsx 文件", str(path))
    if suffix in (".xlsx", ".xlsm"):
        sheet, raw = _xlsx_rows(path)
    else:
        sheet, raw = None, _csv_rows(path)
    rows = [(n, cells) for n, cells in raw if cells]
    where = f"工作表“{sheet}”" if sheet else None
    if not rows:
        raise UnreadableFile("文件是空的，没有表头" if sheet is None else "工作表是空的，没有表头", str(path), where)
    at = 0
    if marker:
        wanted = {norm(m) for m in marker}
        at = next((i for i, (_n, cells) in enumerate(rows[:10]) if wanted <= {norm(text(c)) for c in cells}), 0)
    (line, header), body = rows[at], rows[at + 1:]
    return Table(str(path), sheet, [text(h) for h in header], line, body)


def text(value: Any) -> str:
    """A cell as text: blank for an empty cell, 12 for a whole number Excel stores as 12.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _trimmed(cells: list[Any]) -> list[Any]:
    """The cells with empty ones as "" and trailing empty ones dropped ([] for an empty row)."""
    out = ["" if c is None else c for c in cells]
    while out and (out[-1] == "" or (isinstance(out[-1], str) and not out[-1].strip())):
        out.pop()
    return out


def _count(n_rows: int, width: int, path: Path, where: str | None, line: int) -> None:
    if n_rows > MAX_ROWS:
        raise UnreadableFile(f"文件超过 {MAX_ROWS} 行，请分批导入", str(path), where)
    if width > MAX_COLUMNS:
        raise UnreadableFile(f"第{line}行超过 {MAX_COLUMNS} 列（台账和名单都不会这样宽），请检查是否选错了文件", str(path), where)


# -- CSV -----------------------------------------------------------------------------------------
def csv_text(data: bytes, name: str) -> str:
    """A CSV file's text: UTF-8 (with or without BOM) as Excel and WPS save it, else GB18030."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("无法识别文件编码（应为 UTF-8 或 GB18030）", name)


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from gongkai.files import read_regular

    data = read_regular(path, MAX_BYTES)
    reader = csv.reader(io.StringIO(csv_text(data, str(path)), newline=""))
    out: list[tuple[int, list[Any]]] = []
    start, filled = 1, 0
    try:
        for row in reader:
            cells = _trimmed(row)
            filled += bool(cells)
            _count(filled, len(cells), path, None, start)
            out.append((start, cells))
            start = reader.line_num + 1
    except csv.Error:  # a NUL byte, an unclosed quote at the end, a field past the size limit
        raise UnreadableFile("CSV 格式错误（有无法解析的字符、未闭合的引号或过长的字段）", str(path),
                             f"第{reader.line_num}行") from None
    return out


# -- Excel ---------------------------------------------------------------------------------------
def _xlsx_rows(path: Path) -> tuple[str, list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    from gongkai.read.limits import checked_package

    package = checked_package(path)  # a ZIP bomb is refused before openpyxl inflates anything
    try:
        wb = load_workbook(package, read_only=True, data_only=True)
        ws = wb.worksheets[0]
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise UnreadableFile("无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式的工作簿。"
                             "请用 Excel 或 WPS 打开后另存为 .xlsx 再试。", str(path)) from None
    where = f"工作表“{ws.title}”"
    out: list[tuple[int, list[Any]]] = []
    filled = 0
    try:
        for n, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), 1):
            cells = _trimmed([_unescape(c) for c in row])
            filled += bool(cells)
            _count(filled, len(cells), path, where, n)
            out.append((n, cells))
    except UnreadableFile:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet inside a sound package
        raise UnreadableFile("无法读取 Excel 文件：工作表已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
                             str(path), where) from None
    finally:
        wb.close()
    return ws.title, out


# -- writing -------------------------------------------------------------------------------------
def write_tables(path: str | Path, tables: list[tuple[str, list[str], list[list[Any]]]],
                 private: bool = False) -> Path:
    """Write ``tables`` — (sheet title, header, rows) — to ``path``: a .csv holds the first, a
    .xlsx all of them.  Atomic; the mode follows the umask, or is owner-only (0600) when
    ``private`` (the tables hold personal data: applicants' ID numbers, phones, addresses)."""
    from gongkai.files import write_atomic

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise GongkaiError("只能导出为 .csv 或 .xlsx 文件", str(path))
    if suffix == ".csv":
        out = io.StringIO(newline="")
        w = csv.writer(out)
        _title, header, rows = tables[0]
        w.writerow(header)
        w.writerows(rows)
        data = out.getvalue().encode("utf-8-sig")   # BOM: Excel opens it as UTF-8
    else:
        data = _workbook(tables)
    try:
        return write_atomic(path, data, private=private)
    except OSError as exc:
        from gongkai.files import os_reason

        raise GongkaiError(f"无法写入文件（{os_reason(exc)}）", str(path)) from exc


def _workbook(tables: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in tables:
        ws = wb.create_sheet(title)
        ws.append(header)
        for row in rows:
            _append_text_row(ws, row)
    buf = io.BytesIO()
    wb.save(buf)
    # The same tables give the same bytes: openpyxl dates the members and created/modified by the clock.
    return ooxml.reproducible(buf.getvalue(), None)


def _append_text_row(ws, row: list[Any]) -> None:
    """Append a row keeping text as text: openpyxl takes a string starting with “=” for a
    formula, which Excel would compute and a re-import would read back empty; and a control
    character (a vertical tab pasted from Word) is written as OOXML's _x000B_, as Excel does —
    openpyxl refused the whole export."""
    ws.append([_escape(v) if isinstance(v, str) else v for v in row])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


# OOXML writes a character XML cannot hold as _xHHHH_, and a literal “_xHHHH_” with its underscore
# so written (_x005F_xHHHH_): Excel reads both back; openpyxl leaves them as they are, so we do.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escape(value: str) -> str:
    if "_x" not in value and not _UNWRITABLE.search(value):
        return value
    value = _ESCAPED.sub(lambda m: "_x005F" + m.group(0), value)
    return _UNWRITABLE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)


def _unescape(value: Any) -> Any:
    if isinstance(value, str) and "_x" in value:
        return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value
