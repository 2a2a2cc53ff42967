"""The register's database: SQLite (one file, WAL) by default, PostgreSQL by URL; versioned SQL
migrations recorded in ``schema_version``; one transaction helper used by every write.

Placeholders are written ``?`` and turned into ``%s`` for PostgreSQL.  psycopg is imported only
when a PostgreSQL URL is given.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Sequence

from gongkai.errors import GongkaiError, MissingDependency
from gongkai.register.settings import default_db_path

_MIGRATION = re.compile(r"^(\d{4})_(\w+?)(?:\.(sqlite|postgresql))?\.sql$")


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def describe(url: str | None) -> str:
    """The database named without any password, for messages."""
    if not url:
        return str(default_db_path())
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


class Database:
    def __init__(self, url: str | None = None, extra_migrations: Sequence[str] = ()):
        self.url = url
        # Other components sharing this store (e.g. ``gongkai.disclosure``) keep their migrations
        # in ``<package>/migrations`` and number them in their own block of a thousand.
        self.migration_packages = (__package__, *extra_migrations)
        if url and url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            self.dialect = "postgresql"
            self._conn = self._connect_pg(url.replace("postgresql+psycopg://", "postgresql://"))
        else:
            self.dialect = "sqlite"
            path = Path(url[len("sqlite:///"):] if url and url.startswith("sqlite:///") else url or default_db_path())
            self.path = path
            self._conn = self._connect_sqlite(path)
        self._in_tx = False
        self.migrate()

    # -- connections -------------------------------------------------------------------
    @staticmethod
    def _connect_sqlite(path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")   # readers never block the writer
            conn.execute("PRAGMA synchronous=FULL")   # a committed request survives power loss
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=60000")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise GongkaiError(f"无法打开台账数据库（{exc}）", str(path)) from exc
        return conn

    @staticmethod
    def _connect_pg(url: str):
        try:
            import psycopg
        except ImportError as exc:
            raise MissingDependency("使用 PostgreSQL 需要安装 psycopg：pip install 'gongkai[web]'") from exc
        try:
            return psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise GongkaiError(f"无法连接 PostgreSQL 数据库（{str(exc).strip()}）", describe(url)) from exc

    def close(self) -> None:
        self._conn.close()

    # -- statements --------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cur = self._conn.cursor()
        cur.execute(self._sql(sql), tuple(params))
        return cur

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.cursor().executemany(self._sql(sql), rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(self.execute(sql, params).fetchall())

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT and return the new row's id."""
        if self.dialect == "postgresql":
            return int(self.execute(sql + " RETURNING id", params).fetchone()[0])
        return int(self.execute(sql, params).lastrowid)

    @property
    def for_update(self) -> str:
        # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL locks the row.
        return " FOR UPDATE" if self.dialect == "postgresql" else ""

    @contextmanager
    def transaction(self) -> Iterator["Database"]:
        """All or nothing: on any exception (or the process dying) nothing is written."""
        if self._in_tx:
            yield self
            return
        self.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self._in_tx = False
            self.execute("ROLLBACK")
            raise
        self._in_tx = False
        self.execute("COMMIT")

    # -- migrations --------------------------------------------------------------------
    def migrations(self) -> list[tuple[int, str, str]]:
        """(version, name, SQL) for this dialect, in order."""
        found: dict[int, tuple[int, str, str]] = {}
        for package in self.migration_packages:
            for entry in resources.files(package).joinpath("migrations").iterdir():
                m = _MIGRATION.match(entry.name)
                if not m or (m.group(3) and m.group(3) != self.dialect):
                    continue
                version = int(m.group(1))
                if version in found and found[version][1] != m.group(2):
                    raise GongkaiError(f"迁移编号 {version:04d} 重复（{found[version][1]} 与 {m.group(2)}）", package)
                found[version] = (version, m.group(2), entry.read_text(encoding="utf-8"))
        return [found[k] for k in sorted(found)]

    def schema_version(self) -> int:
        """The register's own schema version (the highest applied migration of its block 0001–0999)."""
        rows = self.query("SELECT MAX(version) FROM schema_version WHERE version < 1000")
        return int(rows[0][0] or 0)

    def applied_versions(self) -> set[int]:
        return {int(r[0]) for r in self.query("SELECT version FROM schema_version")}

    def migrate(self) -> None:
        create = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                  "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        if self.dialect == "postgresql":  # CREATE … IF NOT EXISTS races on PostgreSQL: serialise it
            with self.transaction():
                self.execute("SELECT pg_advisory_xact_lock(7426001)")
                self.execute(create)
        else:  # no lock is taken when the table exists, so readers never wait here
            self.execute(create)
        # A migration is pending when it has not been applied, whatever its number: each component
        # numbers its own block (register 0001–0999, disclosure log 5001–5999), so a block's new
        # migration is applied even where a higher-numbered block has already run.
        migrations = self.migrations()
        applied = self.applied_versions()
        if any(m[0] not in applied for m in migrations):
            with self.transaction():
                if self.dialect == "postgresql":  # two processes opening a new register at once
                    self.execute("SELECT pg_advisory_xact_lock(7426001)")
                applied = self.applied_versions()
                for version, name, sql in migrations:
                    if version in applied:
                        continue
                    for statement in _statements(sql):
                        self.execute(statement)
                    self.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                                 (version, name, now_utc()))
                applied = self.applied_versions()
        # Newer than this program: an applied version it does not know, in a block it knows.
        known = {m[0] for m in migrations}
        blocks = {v // 1000 for v in known}
        newer = sorted(v for v in applied - known if v // 1000 in blocks)
        if newer:
            raise GongkaiError(f"台账数据库的结构版本（{newer[-1]}）比本程序新，请升级 gongkai",
                               describe(self.url))


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; triggers and $$ bodies contain semicolons."""
    out, buf, depth_begin, in_dollar = [], [], 0, False
    for line in sql.splitlines():
        stripped = line.split("--", 1)[0] if "$$" not in line else line
        buf.append(line)
        in_dollar ^= stripped.count("$$") % 2 == 1
        upper = stripped.upper()
        depth_begin += len(re.findall(r"\bBEGIN\b", upper)) - len(re.findall(r"\bEND\b", upper))
        if stripped.rstrip().endswith(";") and not in_dollar and depth_begin <= 0:
            statement = "\n".join(buf).strip()
            if statement.strip(";").strip():
                out.append(statement)
            buf, depth_begin = [], 0
    if "".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out
