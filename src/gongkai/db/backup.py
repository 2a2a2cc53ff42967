"""``gongkai backup``: a copy of every store of this machine's site, taken while it runs.

SQLite files are copied with SQLite's online backup (a consistent copy even while a server writes:
a plain ``cp`` of a WAL database can miss what is still in its ``-wal`` file); a PostgreSQL
database is dumped with ``pg_dump --format=custom`` (the registers of the web application's bodies
are schemas of its database, so one dump holds them all).  The site's secret key and the office's
files (letter templates, settings: the configuration folder) are copied as they are.  ``清单.json``
names where each copy came from and how to put it back (docs/upgrade.md, 备份与恢复).
"""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gongkai.db import database_reason, describe, is_postgres
from gongkai.errors import GongkaiError
from gongkai.files import private_dir


@dataclass
class Copy:
    what: str        # 台账数据库, 语料库, 网页应用数据库, 机关台账, 节假日安排, 网页密钥, 配置文件夹
    source: str      # the file, folder or database URL (without its password)
    copy: str        # the name of the copy in the backup folder
    restore: str     # how to put it back (a shell command)


def _sqlite(source: Path, target: Path) -> None:
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise GongkaiError(f"无法备份（{database_reason(exc)}）", str(source)) from None
    target.chmod(0o600)


def _postgres(url: str, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise GongkaiError("备份 PostgreSQL 数据库需要 pg_dump（Debian 包 postgresql-client）", describe(url))
    url = url.replace("postgresql+psycopg://", "postgresql://")
    r = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={target}", f"--dbname={url}"],
                       capture_output=True, text=True, timeout=6 * 3600)
    if r.returncode:
        raise GongkaiError(f"pg_dump 未能备份（{' '.join(r.stderr.split())[:300]}）", describe(url))
    target.chmod(0o600)


def back_up(target: Path, *, registers: str | None, corpus: str | None, web_home: Path, web_db: str | None,
            config: Path) -> list[Copy]:
    """Copy every store that exists into ``target`` (a new or empty folder); the copies made."""
    from gongkai.db.paths import default_corpus_path, default_register_path

    if target.exists() and any(target.iterdir()):
        raise GongkaiError("备份目录已存在且不是空的：请指定一个新的目录", str(target))
    private_dir(target)
    made: list[Copy] = []

    def store(what: str, url: str | None, default: Path | None, name: str) -> None:
        if is_postgres(url):
            _postgres(str(url), target / f"{name}.dump")
            made.append(Copy(what, describe(url), f"{name}.dump",
                             f"pg_restore --clean --if-exists --no-owner --dbname={shlex.quote(describe(url))} {name}.dump"))
            return
        path = Path(str(url).removeprefix("sqlite:///")) if url else default
        if path is None or not path.is_file():
            return
        _sqlite(path, target / f"{name}.sqlite3")
        # (a -wal left beside the file would be replayed onto the restored copy)
        made.append(Copy(what, str(path), f"{name}.sqlite3",
                         f"rm -f {shlex.quote(f'{path}-wal')} {shlex.quote(f'{path}-shm')} && cp {name}.sqlite3 {shlex.quote(str(path))}"))

    store("台账数据库", registers, default_register_path(), "registers")
    store("语料库", corpus, default_corpus_path(), "corpus")
    store("网页应用数据库", web_db, web_home / "web.sqlite3", "web")
    if not is_postgres(web_db):   # (on PostgreSQL the bodies' registers are schemas of the web database)
        for path in sorted((web_home / "registers").glob("*.sqlite3")):
            store("机关台账" if path.name.startswith("body-") else "节假日安排", str(path), None,
                  f"web-registers-{path.stem}")
    for what, path, name in (("网页密钥", web_home / "secret_key", "web-secret_key"), ("配置文件夹", config, "config")):
        if path.is_file():
            shutil.copy2(path, target / name)
        elif path.is_dir():
            shutil.copytree(path, target / name)
        else:
            continue
        made.append(Copy(what, str(path), name, f"cp -a {name} {shlex.quote(str(path))}" if path.is_file()
                         else f"cp -a {name}/. {shlex.quote(f'{path}/')}"))
    if not made:
        target.rmdir()
        raise GongkaiError("本机没有 gongkai 的数据可以备份（可用 --db、--corpus、--web-db 指定数据库）")
    manifest = {"program": _program(), "copies": [c.__dict__ for c in made]}
    (target / "清单.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # the whole restore, run in this folder with every gongkai serve stopped: bash 恢复.sh
    lines = ["#!/bin/sh", f"# {_program()} 的备份：先停止所有 gongkai serve，再在本目录中运行 bash 恢复.sh",
             "set -e", 'cd "$(dirname "$0")"', *(f"{c.restore}  # {c.what}" for c in made)]
    (target / "恢复.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return made


def _program() -> str:
    from gongkai.db import program

    return program()
