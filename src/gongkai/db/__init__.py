"""gongkai's one database layer: SQLite (one file, WAL) by default, PostgreSQL by URL.

Every store — the request register, the disclosure log, the working-day calendar and the
corpus — opens a :class:`Database` naming the *components* whose tables it holds.  Each
component keeps its versioned SQL migrations in ``<package>/migrations`` and numbers them in its
own block of a thousand (register 0001–0999, log 5001–5999, calendar 6001–6999, corpus
7001–7999); applied versions are rows of ``schema_version``.  SQL is written once with ``?``
placeholders, turned into ``%s`` for PostgreSQL; psycopg is imported only for a PostgreSQL URL.

No module outside a store's own database module issues SQL.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from gongkai.errors import GongkaiError, MissingDependency, NotFound
from gongkai.files import os_reason, private_file

log = logging.getLogger("gongkai.db")

_MIGRATION = re.compile(r"^(\d{4})_(\w+?)(?:\.(sqlite|postgresql))?\.sql$")
# A migration that rebuilds a table (SQLite cannot drop a column used by a constraint) starts
# with this line; it runs with foreign keys off and is checked with foreign_key_check before commit.
REBUILDS = "-- gongkai: rebuilds tables"
PG_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")
# How long a migration waits for a lock another connection holds (an old server still running, a
# transaction left open, another gongkai migrating the same database) before it gives up, changing
# nothing, and says so: on PostgreSQL it waited for ever.
MIGRATION_LOCK_WAIT = 60
BUSY_WAIT = 60   # seconds a SQLite statement waits for another process's write lock before it is refused
# A migration that rebuilds tables (REBUILDS) on a SQLite store of at least REBUILD_NOTICE bytes
# is said as it starts, refused beforehand when the disk lacks REBUILD_ROOM times the file's size
# (the copy goes through the WAL into the file: 1.9 times at its peak, measured on a 1,000-report
# corpus, docs/upgrade.md), and followed by a VACUUM giving back the old table's pages.  Their
# time a GB, measured at 100,000 reports (2 cores under load), for the notices.
REBUILD_NOTICE = 64 * 2**20
REBUILD_ROOM = 2
REBUILD_SECONDS_PER_GB = 17
VACUUM_SECONDS_PER_GB = 15


def free_disk(folder: Path) -> int:
    """The bytes free on the disk that holds ``folder``."""
    import shutil

    return shutil.disk_usage(folder).free


def say(text: str) -> None:
    """A long step of an upgrade, told as it starts: on the ``gongkai.db.upgrade`` logger, which
    ``gongkai``'s commands print on stderr (``cli.main``)."""
    logging.getLogger("gongkai.db.upgrade").warning(text)


def _seconds(size: int, per_gb: float) -> int:
    return max(1, round(size / 2**30 * per_gb))


def _gb(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"

# China has one time zone and no daylight saving: office time is UTC+8 all year.
OFFICE_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def now_stamp(day: date | None = None, precise: bool = False) -> str:
    """The moment of a write, in office time (Asia/Shanghai), ISO 8601 with its offset.  On a
    fixed office day (``day``, else GONGKAI_TODAY: demonstrations, tests) it is the time of day
    now on that day: a step recorded "today" must not read as recorded on another day (the
    register would call it 补录, late by the days between).  ``precise``: to the microsecond (the
    log numbers an item's entries in the order recorded, across its tables)."""
    now = datetime.now(OFFICE_TZ)
    if day is None:
        from gongkai.settings import current

        day = current().today
    if day is not None:
        now = now.replace(year=day.year, month=day.month, day=day.day)
    return now.isoformat(timespec="microseconds" if precise else "seconds")


def office_today() -> date:
    """Today in the office's time zone, or the fixed GONGKAI_TODAY (demonstrations, tests): the
    registers record nothing dated after it."""
    from gongkai.settings import current

    return current().today or datetime.now(OFFICE_TZ).date()


def office_time(stamp: str) -> str:
    """A stored time stamp as the office reads it: ``2025-09-26 10:12`` in Asia/Shanghai."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith(PG_PREFIXES)


def describe(url: str | None, default: Path | None = None) -> str:
    """The database named without any password, for messages."""
    if not url:
        return str(default) if default else ""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", str(url))



# SQLite's own words for why a file does not open, as a user is told them (a report file given
# as --db said "file is not a database").
_SQLITE_REASONS = {
    "file is not a database": "这不是数据库文件，可能指错了文件",
    "database disk image is malformed": "数据库文件已损坏",
    "unable to open database file": "无法打开该文件：所在目录不存在或没有权限",
    "attempt to write a readonly database": "数据库文件是只读的",
    "database is locked": "数据库被其他程序长时间占用",
    "database or disk is full": "磁盘已满",
    "disk I/O error": "读写磁盘出错，磁盘可能已满",   # no room for the -wal/-shm files an opening makes
}


# libpq's words for why a connection failed, as a user is told them (the first that fits).
_POSTGRES_REASONS = [
    (r"Connection refused", "连接被拒绝：该主机的该端口上没有运行 PostgreSQL，或它不接受网络连接"),
    (r"failed to resolve host|could not translate host name", "找不到这个主机名"),
    (r"password authentication failed for user \"([^\"]*)\"", "用户“{0}”的密码不对，或没有这个用户"),
    (r"no password supplied|fe_sendauth", "该数据库要求密码，地址中没有给出"),
    (r"role \"([^\"]*)\" does not exist", "没有用户“{0}”"),
    (r"database \"([^\"]*)\" does not exist", "没有名为“{0}”的数据库"),
    (r"permission denied for database|not permitted to log in", "该用户没有连接这个数据库的权限"),
    (r"timeout expired|timed out", "连接超时：主机没有应答"),
    (r"No route to host|Network is unreachable", "无法到达该主机"),
    (r"No such file or directory", "本机没有在这个套接字上运行的 PostgreSQL"),
    (r"invalid (?:dsn|connection option|integer value|port)|missing \"=\"|invalid URI", "数据库地址的写法不对，"
     "应为 postgresql://用户:密码@主机:端口/库名"),
    (r"too many connections|remaining connection slots", "数据库的连接数已满"),
    (r"No space left on device|could not extend file|disk full", "数据库服务器的磁盘已满"),
    (r"lock timeout", "等待其他连接释放锁超时"),
    (r"permission denied for (?:schema|table|relation|sequence) \"?([^\s\"]+)\"?",
     "该用户没有在“{0}”中建表或写入的权限"),
    (r"terminating connection due to administrator command", "数据库服务器关闭了这个连接：它重新启动了，或被管理员终止"),
    (r"the database system is (?:starting up|in recovery mode|not yet accepting connections)", "数据库正在启动"),
    (r"the database system is shutting down", "数据库正在关闭"),
    (r"server closed the connection unexpectedly|the connection is (?:closed|lost)|consuming input failed",
     "数据库服务器意外断开了连接"),
]


def postgres_reason(exc: Exception) -> str:
    """Why PostgreSQL could not be reached, in Chinese when libpq's words are known (else its own, one line)."""
    text = str(exc).strip()
    for pattern, zh in _POSTGRES_REASONS:
        if m := re.search(pattern, text):
            return zh.format(*m.groups())
    return " ".join(text.split("\nLINE ")[0].split())   # (not the statement libpq quotes after it)


def database_reason(exc: Exception) -> str:
    """Why a database refused, in Chinese when its words are known: SQLite's or libpq's."""
    text = str(exc)
    if any(en in text for en in _SQLITE_REASONS):
        return _sqlite_reason(exc)
    return postgres_reason(exc)


def _sqlite_reason(exc: Exception) -> str:
    """Why SQLite could not open a file, in Chinese when SQLite's words are known."""
    text = str(exc)
    return next((zh for en, zh in _SQLITE_REASONS.items() if en in text), text)

class DatabaseUnavailable(GongkaiError):
    """The database cannot be reached, or the connection was lost in the middle of an operation (a
    PostgreSQL restarted under a running server): what was not committed was not kept; the next
    operation connects again.  The web answers 503."""


Shared = TypeVar("Shared", bound=type)


def taking_turns(cls: Shared) -> Shared:
    """Class decorator for a Python-API face over one database connection (``gongkai.Corpus``,
    ``gongkai.Register``, ``gongkai.Log``): each public method holds the object's lock, so a thread
    pool may share one object — its calls take turns on the connection.  Without it two threads'
    transactions and named cursors nested on the one connection (PostgreSQL:
    OutOfOrderTransactionNesting; ``Database``'s "in a transaction" flag is the connection's, not
    the thread's).  The lock is reentrant: a method may call another."""
    for name, member in list(vars(cls).items()):
        if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__"):
            setattr(cls, name, _one_at_a_time(member, first=name == "__init__"))
    return cls


def _one_at_a_time(method: Any, first: bool = False) -> Any:
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        if first:   # __init__ makes the lock, before anything else touches the object
            self._turn = threading.RLock()
        with self._turn:
            return method(self, *args, **kwargs)

    return locked


class Database:
    """A connection, its dialect, transactions and the migrations of its components."""

    _migrating_now = False

    def __init__(self, url: str | None, components: Sequence[str], *, default_path: Path | None = None,
                 what: str = "台账", create: bool = True, durable: bool = True, private: bool = True):
        """``components``: packages whose ``migrations`` make up this store.  ``create=False``
        refuses a missing SQLite file instead of starting an empty store.  ``durable``:
        ``synchronous=FULL`` (a committed write survives power loss) rather than NORMAL.
        ``private``: a new SQLite file is readable by its owner only (personal data)."""
        self.url = url
        self.what = what
        self.components = tuple(components)
        self._in_tx = False
        self.applied_now: list[int] = []   # the migrations this opening applied to an existing store
        if is_postgres(url):
            self.dialect = "postgresql"
            self.path = describe(url)
            self._pg_url = str(url).replace("postgresql+psycopg://", "postgresql://")
            self._conn = self._connect_pg(self._pg_url)
        else:
            self.dialect = "sqlite"
            raw = str(url)[len("sqlite:///"):] if url and str(url).startswith("sqlite:///") else url
            path = Path(raw) if raw else default_path
            if path is None:
                raise GongkaiError(f"没有指定{what}数据库")
            # (a path through a file, or a folder, is left to the opening to name)
            if not create and not path.exists() and all(p.is_dir() for p in path.parents if p.exists()):
                raise NotFound(f"{what}数据库不存在", str(path))
            self.path = str(path)
            try:
                self._conn = self._connect_sqlite(path, durable, private)
            except GongkaiError as exc:
                if not raw:  # the default file, in the user's data folder (a read-only home)
                    exc.message += "；可用 --db 指定别的数据库文件"
                raise
        self.migrate()

    # -- connections -------------------------------------------------------------------
    def _connect_sqlite(self, path: Path, durable: bool, private: bool) -> sqlite3.Connection:
        # Switching to WAL takes an exclusive lock without waiting on the busy timeout, so two
        # processes opening one new file at once retry instead of failing.
        for attempt in range(100):
            try:
                if private:  # personal data: 0600 from creation (missing folders 0700); -wal/-shm get its mode
                    private_file(path)
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(path), timeout=60, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")   # readers never block the writer
                conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute(f"PRAGMA busy_timeout={BUSY_WAIT * 1000}")
                return conn
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise GongkaiError(f"无法打开{self.what}数据库（{_sqlite_reason(exc)}）", str(path)) from exc
                time.sleep(0.1)
            except (sqlite3.DatabaseError, OSError) as exc:
                reason = os_reason(exc) if isinstance(exc, OSError) else _sqlite_reason(exc)
                raise GongkaiError(f"无法打开{self.what}数据库（{reason}）", str(path)) from exc
        raise AssertionError("unreachable")

    def _connect_pg(self, url: str):
        try:
            import psycopg
        except ImportError as exc:
            raise MissingDependency("使用 PostgreSQL 需要安装 psycopg：pip install 'gongkai[web]'") from exc
        try:
            # a server restarting (or a host not answering) is waited for 10 s, not for ever
            if "connect_timeout" in url:
                return psycopg.connect(url, autocommit=True)
            return psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise DatabaseUnavailable(f"无法连接 PostgreSQL 数据库（{postgres_reason(exc)}）", describe(url)) from exc

    # PostgreSQL restarted (or the connection dropped) under a long-lived process — a server's
    # per-thread stores: the connection is made again before the next operation, not failed for ever.
    def _lost(self) -> bool:
        return self.dialect == "postgresql" and bool(self._conn.closed or self._conn.broken)

    def _reconnect_if_lost(self) -> None:
        if self._in_tx or not self._lost():
            return
        self._conn = self._connect_pg(self._pg_url)
        log.warning("gongkai：与%s数据库（%s）的连接曾中断，已重新连接。", self.what, self.path)

    def _unavailable(self, exc: Exception) -> DatabaseUnavailable:
        return DatabaseUnavailable(f"与{self.what}数据库的连接中断（{postgres_reason(exc)}）：本次操作没有完成，"
                                   "未提交的内容没有保存；请稍后重试", self.path)

    def _busy(self) -> DatabaseUnavailable:
        """SQLite's "database is locked" after the busy wait: another process holds the write lock."""
        return DatabaseUnavailable(f"{self.what}数据库正被其他程序占用，等了 {BUSY_WAIT} 秒仍未释放（可能是另一个正在写入它的 "
                                   "gongkai，或别的程序未结束的事务）：本次操作没有完成，未提交的内容没有保存；请稍后重试。",
                                   self.path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- statements --------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.dialect == "sqlite":
            try:
                return self._conn.execute(sql, tuple(params))
            except sqlite3.OperationalError as exc:
                if "database is locked" in str(exc) and not self._migrating_now:
                    raise self._busy() from None   # it was "内部错误（OperationalError：database is locked）"
                raise
        import psycopg

        self._reconnect_if_lost()
        try:
            cur = self._conn.cursor()
            cur.execute(self._sql(sql), tuple(params))
            return cur
        except psycopg.OperationalError as exc:
            if not self._lost():   # (a lock timeout, say: the connection is fine)
                raise
            if self._in_tx or not _reads(sql):   # a write may or may not have been done: said, not redone
                raise self._unavailable(exc) from None
        self._reconnect_if_lost()   # a read found the connection dead: read again on a new one
        cur = self._conn.cursor()
        cur.execute(self._sql(sql), tuple(params))
        return cur

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._conn.cursor().executemany(self._sql(sql), rows)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Bulk insert (on PostgreSQL inside the transaction's pipeline: no reply waited per row)."""
        marks = ", ".join("?" for _ in columns)
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(self.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT and return the new row's id."""
        if self.dialect == "postgresql":
            return int(self.execute(sql + " RETURNING id", params).fetchone()[0])
        return int(self.execute(sql, params).lastrowid)

    def iterate(self, sql: str, params: Sequence[Any] = (), size: int = 5000) -> Iterator[tuple]:
        """Stream a large result without holding it all (server-side cursor on PostgreSQL)."""
        if self.dialect == "postgresql":
            with self._conn.transaction(), self._conn.cursor(name="gongkai_iter") as cur:
                cur.itersize = size
                cur.execute(self._sql(sql), tuple(params))
                yield from cur
        else:
            yield from self._conn.execute(sql, tuple(params))

    @property
    def for_update(self) -> str:
        # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL locks the row.
        return " FOR UPDATE" if self.dialect == "postgresql" else ""

    @contextmanager
    def transaction(self, pipeline: bool = False) -> Iterator[Database]:
        """All or nothing: on any exception (or the process dying) nothing is written.
        ``pipeline``: on PostgreSQL, send the statements without waiting for each reply."""
        if self._in_tx:
            yield self
            return
        if self.dialect == "postgresql":
            self._reconnect_if_lost()
        if hasattr(self, "_mark"):   # (not the migrations' own transactions)
            self._still_ours()
        self._in_tx = True
        try:
            if self.dialect == "postgresql":
                import psycopg

                try:
                    if pipeline:
                        with self._conn.pipeline(), self._conn.transaction():
                            yield self
                    else:
                        with self._conn.transaction():
                            yield self
                except psycopg.OperationalError as exc:
                    if not self._lost():
                        raise
                    raise self._unavailable(exc) from None
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "database is locked" not in str(exc) or self._migrating_now:
                    raise
                raise self._busy() from None
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        finally:
            self._in_tx = False

    # -- migrations --------------------------------------------------------------------
    def migrations(self) -> list[tuple[int, str, str]]:
        """(version, name, SQL) of every component for this dialect, in order."""
        found: dict[int, tuple[int, str, str]] = {}
        for package in self.components:
            for entry in resources.files(package).joinpath("migrations").iterdir():
                m = _MIGRATION.match(entry.name)
                if not m or (m.group(3) and m.group(3) != self.dialect):
                    continue
                version = int(m.group(1))
                if version in found and found[version][1] != m.group(2):
                    raise GongkaiError(f"迁移编号 {version:04d} 重复（{found[version][1]} 与 {m.group(2)}）", package)
                found[version] = (version, m.group(2), entry.read_text(encoding="utf-8"))
        return [found[k] for k in sorted(found)]

    def schema_version(self, block: int = 0) -> int:
        """The highest applied migration of one component's block (0: 0001–0999, 5: 5001–5999 …)."""
        return int(self.scalar("SELECT MAX(version) FROM schema_version WHERE version >= ? AND version < ?",
                               (block * 1000, block * 1000 + 1000)) or 0)

    def applied_versions(self) -> set[int]:
        return {int(r[0]) for r in self.query("SELECT version FROM schema_version")}

    def migrate(self) -> None:
        create = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                  "name TEXT NOT NULL, applied_at TEXT NOT NULL, program TEXT)")
        with self._migrating():
            if self.dialect == "postgresql":  # CREATE … IF NOT EXISTS races on PostgreSQL: serialise it
                with self.transaction():
                    self._wait_for_locks()
                    self.execute("SELECT pg_advisory_xact_lock(7426001)")
                    self.execute(create)
            else:  # no lock is taken when the table exists, so readers never wait here
                self.execute(create)
            # A migration is pending when it has not been applied, whatever its number: each
            # component numbers its own block, so a block's new migration is applied even where a
            # higher-numbered block has already run.
            migrations = self.migrations()
            before = self.applied_versions()
            pending = [m for m in migrations if m[0] not in before]
            if pending:
                self._apply(migrations, rebuilds=any(REBUILDS in m[2] for m in pending))
            # what this opening upgraded (not a store it made; another process may have done part)
            self.applied_now = sorted({m[0] for m in pending} & self.applied_versions()) if before else []
        self._refuse_newer(migrations)
        self._mark = self._schema_mark()

    def _refuse_newer(self, migrations: list[tuple[int, str, str]]) -> None:
        """Newer than this program: an applied version it does not know, in a block it knows."""
        known = {m[0] for m in migrations}
        blocks = {v // 1000 for v in known}
        newer = sorted(v for v in self.applied_versions() - known if v // 1000 in blocks)
        if newer:
            raise GongkaiError(self._too_new(newer[-1]), describe(self.url, Path(self.path)))

    def _schema_mark(self) -> Any:
        """What changes when another process migrates this database (SQLite's schema counter, in its header)."""
        if self.dialect == "sqlite":
            return self._conn.execute("PRAGMA schema_version").fetchone()[0]
        return tuple(self.query("SELECT COUNT(*), MAX(version) FROM schema_version")[0])

    def _still_ours(self) -> None:
        """Before a write: a newer gongkai that upgraded this database under a running process (an old
        server left running through an upgrade) stops this process's writes, said, rather than letting it
        write by the old structure's rules."""
        mark = self._schema_mark()
        if mark != self._mark:
            self._refuse_newer(self.migrations())
            self._mark = mark

    def _too_new(self, version: int) -> str:
        """Why a database upgraded by a newer gongkai is refused, and what to do."""
        by = (self.scalar("SELECT program FROM schema_version WHERE version = ?", (version,))
              if "program" in self._version_columns() else None)   # recorded from 0.9.0 on
        return (f"{self.what}数据库的结构版本（{version}）比本程序新（本程序是 {program()}）："
                f"它已由{f' {by} ' if by else '更新版本的 gongkai '}升级过。请安装{f' {by} 或更新的版本' if by else '新版本'}；"
                "已升级的数据库不能再由旧版本打开，如须退回旧版本，请恢复升级前的备份（见 docs/upgrade.md）")

    def _apply(self, migrations: list[tuple[int, str, str]], rebuilds: bool) -> None:
        sqlite_rebuild = rebuilds and self.dialect == "sqlite"
        size = self._file_size() if sqlite_rebuild else 0
        if size >= REBUILD_NOTICE:  # a store that has data (a new store's rebuild is instant)
            self._room_for_rebuild(size)
        if sqlite_rebuild:  # cannot change inside a transaction (SQLite's table-rebuild procedure)
            self._conn.execute("PRAGMA foreign_keys=OFF")
        try:
            with self.transaction():
                if self.dialect == "postgresql":  # two processes opening a new store at once
                    self._wait_for_locks()
                    self.execute("SELECT pg_advisory_xact_lock(7426001)")
                applied = self.applied_versions()
                self._record_program_column()
                for version, name, sql in migrations:
                    if version in applied:
                        continue
                    for statement in _statements(sql):
                        self.execute(statement)
                    self.execute("INSERT INTO schema_version (version, name, applied_at, program) VALUES (?, ?, ?, ?)",
                                 (version, name, now_stamp(), program()))
                if sqlite_rebuild and self.query("PRAGMA foreign_key_check"):
                    raise GongkaiError(f"{self.what}数据库迁移后外键不一致，未作任何修改", self.path)
        finally:
            if sqlite_rebuild:
                self._conn.execute("PRAGMA foreign_keys=ON")
        if size >= REBUILD_NOTICE:
            self._reclaim()

    # -- the disk a rebuilding migration needs (SQLite) ---------------------------------------
    def _file_size(self) -> int:
        """The bytes of the SQLite file and its WAL."""
        return sum(Path(f"{self.path}{end}").stat().st_size for end in ("", "-wal") if Path(f"{self.path}{end}").exists())

    def _room_for_rebuild(self, size: int) -> None:
        """Refuse, before changing anything, a rebuild the disk has no room for: its copy goes
        through the WAL into the file, up to ``REBUILD_ROOM`` times the file's size (measured)."""
        need, free = REBUILD_ROOM * size, free_disk(Path(self.path).parent)
        if free < need:
            raise GongkaiError(
                f"{self.what}数据库的这次结构升级要重建数据表，需要约 {_gb(need)} 空闲磁盘空间（数据库文件 {_gb(size)} 的 "
                f"{REBUILD_ROOM} 倍），而所在磁盘只有 {_gb(free)}；数据库未作任何修改。请腾出空间（或把数据库移到空间足够的"
                "磁盘）后重新运行", self.path)
        say(f"正在升级{self.what}数据库 {self.path} 的结构：重建数据表，约 {_seconds(size, REBUILD_SECONDS_PER_GB)} 秒，"
            "期间其他程序不能读写它……")

    def _reclaim(self) -> None:
        """Give the disk back the pages a rebuild left free (VACUUM), when it has room for the copy
        VACUUM makes of what the file holds (a temporary file, then the WAL, which the rebuild left
        at its size); else say what stays taken, and how to free it."""
        page = int(self.scalar("PRAGMA page_size"))
        spare = int(self.scalar("PRAGMA freelist_count")) * page
        content = int(self.scalar("PRAGMA page_count")) * page - spare
        before = self._file_size()
        wal = before - Path(self.path).stat().st_size
        need, free = content + max(0, content - wal), free_disk(Path(self.path).parent)
        if free < need:
            say(f"升级完成。重建留下的 {_gb(spare)} 空闲页留在文件中，以后入库时重用；要还给磁盘，须有约 {_gb(need)} 空闲空间"
                f"（现有 {_gb(free)}），腾出后按 docs/upgrade.md 运行 VACUUM。")
            return
        started = time.monotonic()
        say(f"正在回收重建留下的 {_gb(spare)} 空闲空间（VACUUM），约 {_seconds(content, VACUUM_SECONDS_PER_GB)} 秒……")
        try:
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:  # the upgrade is done; only the space stays taken
            say(f"未能回收空闲空间（{_sqlite_reason(exc)}）：数据库已升级，空闲页留在文件中，以后入库时重用。")
            return
        say(f"已回收：{_gb(before)} → {_gb(self._file_size())}，用时 {time.monotonic() - started:.0f} 秒。")

    def _wait_for_locks(self) -> None:
        """PostgreSQL: this transaction waits at most MIGRATION_LOCK_WAIT for any lock."""
        self.execute("SELECT set_config('lock_timeout', ?, true)", (f"{MIGRATION_LOCK_WAIT}s",))

    @contextmanager
    def _migrating(self) -> Iterator[None]:
        """A migration that cannot finish is undone whole (its transaction) and said in Chinese with
        what to do: a lock held elsewhere, a full disk, any other refusal of the database."""
        if self.dialect == "sqlite":
            self._conn.execute(f"PRAGMA busy_timeout={MIGRATION_LOCK_WAIT * 1000}")
        self._migrating_now = True   # a lock here is said as a migration's (_failed), not as _busy
        try:
            yield
        except GongkaiError:
            raise
        except Exception as exc:
            if not _database_error(exc):
                raise
            raise GongkaiError(self._failed(exc), describe(self.url, Path(self.path))) from None
        finally:
            self._migrating_now = False
            if self.dialect == "sqlite":
                self._conn.execute(f"PRAGMA busy_timeout={BUSY_WAIT * 1000}")

    def _failed(self, exc: Exception) -> str:
        text = str(exc)
        if "database is locked" in text or "lock timeout" in text:
            return (f"{self.what}数据库正被其他程序占用，等了 {MIGRATION_LOCK_WAIT} 秒仍无法升级其结构（可能是仍在运行的"
                    "旧版 gongkai serve、未结束的事务，或另一个正在升级它的 gongkai）；数据库未作任何修改。"
                    "请先停止使用该数据库的程序，再重新运行")
        reason = postgres_reason(exc) if self.dialect == "postgresql" else _sqlite_reason(exc)
        advice = ("请腾出磁盘空间后重新运行" if "磁盘已满" in reason else
                  "请让数据库管理员授予该用户建表的权限（如 GRANT CREATE ON SCHEMA public TO 用户名），或换用有权限的用户"
                  if "权限" in reason else "升级前的数据完好；请把这条信息报告给维护者")
        return f"{self.what}数据库的结构升级失败（{reason}），已全部撤销，数据库未作任何修改。{advice}"

    def _record_program_column(self) -> None:
        """schema_version.program: which gongkai applied each migration (an older program reading the
        database can then name the version to install).  Added by the first migration run of 0.9.0."""
        if "program" not in self._version_columns():
            self.execute("ALTER TABLE schema_version ADD COLUMN program TEXT")

    def _version_columns(self) -> set[str]:
        if self.dialect == "postgresql":
            return {r[0] for r in self.query("SELECT column_name FROM information_schema.columns WHERE "
                                             "table_name = 'schema_version' AND table_schema = current_schema()")}
        return {r[1] for r in self.query("PRAGMA table_info(schema_version)")}


def program() -> str:
    """This program as a database records it: ``gongkai 0.9.0``."""
    from gongkai import __version__

    return f"gongkai {__version__}"


def _reads(sql: str) -> bool:
    """A statement that only reads (safe to send again on a new connection)."""
    words = set(re.findall(r"[A-Za-z]+", sql.upper()))
    return sql.lstrip().upper().startswith(("SELECT", "WITH")) and not words & {
        "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "NEXTVAL", "SETVAL", "LOCK", "PG_ADVISORY_XACT_LOCK"}


def _database_error(exc: Exception) -> bool:
    """An error the database raised (sqlite3's or psycopg's), not a defect of ours."""
    if isinstance(exc, sqlite3.Error):
        return True
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; triggers and $$ bodies contain semicolons."""
    out: list[str] = []
    buf: list[str] = []
    depth_begin, in_dollar = 0, False
    for line in sql.splitlines():
        stripped = line.split("--", 1)[0] if "$$" not in line else line
        buf.append(line)
        in_dollar ^= stripped.count("$$") % 2 == 1
        upper = stripped.upper()
        depth_begin += len(re.findall(r"\bBEGIN\b", upper)) - len(re.findall(r"\bEND\b", upper))
        if stripped.rstrip().endswith(";") and not in_dollar and depth_begin <= 0:
            statement = "\n".join(buf).strip()
            if _has_sql(statement):
                out.append(statement)
            buf, depth_begin = [], 0
    if _has_sql("\n".join(buf)):
        out.append("\n".join(buf).strip())
    return out


def _has_sql(text: str) -> bool:
    return any(line.split("--", 1)[0].strip().strip(";") for line in text.splitlines())


# The registers' store: the request register, the disclosure log and the holiday notices live in
# one database (``gongkai new --log`` reads table 3 and table 2 from it together).
REGISTER_COMPONENTS = ("gongkai.register", "gongkai.workdays", "gongkai.log")


def open_registers(url: str | None, components: Sequence[str] = REGISTER_COMPONENTS, *,
                   create: bool = True) -> Database:
    """The registers' store at ``url`` (default: ``~/.local/share/gongkai/gongkai.db``);
    ``create=False`` refuses a SQLite file that is not there."""
    from gongkai.db.paths import default_register_path

    return Database(url, components, default_path=default_register_path(), what="台账", create=create)
