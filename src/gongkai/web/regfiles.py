"""The two registers' files through the web: an upload imported, an export downloaded — the same
files and the same checks as ``gongkai register import/export`` and ``gongkai log import/export``
(register/exchange.py, log/exchange.py), so a clerk who keeps the registers in the browser can
bring in the 台账 kept before and take out a copy that imports back losslessly."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from gongkai.errors import GongkaiError

# What an upload may be (sheets.read_table reads these; .xlsx also as .xlsm).
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _upload(tmp: str, name: str, data: bytes) -> Path:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise GongkaiError(f"“{name}”不是 CSV 或 Excel（.xlsx）文件")
    path = Path(tmp) / f"upload{suffix}"
    path.write_bytes(data)
    return path


def _named(exc: GongkaiError, name: str) -> GongkaiError:
    """The refusal naming the file as the clerk knows it, not the server's temporary copy."""
    return GongkaiError(exc.message, name if exc.path else None, exc.place)


def import_requests(reg, name: str, data: bytes, actor: str) -> list[str]:
    """A 依申请公开台账 file (a gongkai export, or the one-request-a-row list kept before) imported
    whole or not at all; the numbers of the requests added."""
    from gongkai.register.exchange import import_file

    with tempfile.TemporaryDirectory(prefix="gongkai-import-") as tmp:
        try:
            return import_file(reg, _upload(tmp, name, data), actor)
        except GongkaiError as exc:
            raise _named(exc, name) from None


def import_log(log, name: str, data: bytes, actor: str, figures: bool = False) -> tuple[list[str], int]:
    """A 主动公开台账 file (a document list or a gongkai export), or with ``figures`` the monthly
    figures; the numbers of the items added and the number of monthly figures."""
    from gongkai.log.exchange import import_figures, import_file

    with tempfile.TemporaryDirectory(prefix="gongkai-import-") as tmp:
        try:
            path = _upload(tmp, name, data)
            return ([], import_figures(log, path, actor)) if figures else import_file(log, path, actor)
        except GongkaiError as exc:
            raise _named(exc, name) from None


def export_requests(reg, form: str, with_contact: bool, body_name: str, today: date) -> tuple[str, bytes]:
    """The register as ``gongkai register export`` writes it (.csv: the steps; .xlsx: the steps and
    申请一览): the file's name and bytes."""
    from gongkai.register.exchange import export_file

    return _export(lambda path: export_file(reg, path, with_contact), form,
                   f"{body_name}依申请公开台账{'（含联系方式）' if with_contact else ''}-{today.isoformat()}")


def export_log(log, form: str, body_name: str, today: date) -> tuple[str, bytes]:
    """The log as ``gongkai log export`` writes it (every entry and monthly figure)."""
    from gongkai.log.exchange import export_documents

    return _export(lambda path: export_documents(log, path), form, f"{body_name}主动公开台账-{today.isoformat()}")


def _export(write, form: str, stem: str) -> tuple[str, bytes]:
    if form not in CONTENT_TYPES:
        raise GongkaiError("导出格式只能是 csv 或 xlsx")
    with tempfile.TemporaryDirectory(prefix="gongkai-export-") as tmp:
        path = Path(tmp) / f"export.{form}"
        write(path)
        return f"{stem}.{form}", path.read_bytes()
