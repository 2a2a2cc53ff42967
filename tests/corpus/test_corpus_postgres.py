"""The same corpus in a real PostgreSQL server (Debian's postgresql, a throwaway cluster on a
Unix socket) gives the same stored cells, exports and statistics as SQLite."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time

import duckdb
import pytest
from gk_corpus_helpers import SEEDS, generate

from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.stats import compute
from gongkai.corpus.store import Store

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def _as_postgres(cmd: list[str], **kw):
    return subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, capture_output=True, **kw)


@pytest.fixture(scope="module")
def pg_url():
    if not PG_BIN or os.geteuid() != 0:
        pytest.skip("PostgreSQL server binaries (Debian package postgresql) are not installed")
    pwd.getpwnam("postgres")
    bindir = os.path.dirname(PG_BIN[-1])
    base = tempfile.mkdtemp(prefix="gongkai-pg-")
    os.chmod(base, 0o755)
    shutil.chown(base, "postgres", "postgres")
    data, sock = os.path.join(base, "data"), base
    _as_postgres([f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8"])
    server = subprocess.Popen(["runuser", "-u", "postgres", "--", f"{bindir}/postgres", "-D", data, "-k", sock,
                               "-c", "listen_addresses=", "-p", "54329", "-c", "fsync=off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(os.path.join(sock, ".s.PGSQL.54329")):
                break
            time.sleep(0.1)
        _as_postgres([f"{bindir}/createdb", "-h", sock, "-p", "54329", "-U", "postgres", "gongkai"])
        yield f"postgresql://postgres@/gongkai?host={sock}&port=54329"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


def _cells(directory):
    return sorted(duckdb.sql(f"SELECT sha256, cell_id, value, raw, \"where\", inferred FROM '{directory}/cells.parquet'"
                             ).fetchall(), key=repr)


def test_postgres_and_sqlite_hold_the_same_corpus(tmp_path, pg_url, capsys):
    generate(tmp_path / "in", 20, seed=81)
    inputs = [str(tmp_path / "in"), *map(str, SEEDS)]
    with Store(pg_url) as pg, Store(str(tmp_path / "c.db")) as lite:
        assert pg.kind == "postgresql"
        a = ingest(inputs, pg, workers=2)
        b = ingest(inputs, lite, workers=2)
        assert (a.added, a.failed) == (b.added, b.failed) == (25, [])
        again = ingest(inputs, pg, workers=2)
        assert (again.added, again.unchanged) == (0, 25)
        assert pg.query("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents") == [(25, 25)]
        pg_stats = compute(pg, "county")
        lite_stats = compute(lite, "county")
        assert [(r.region, r.year, r.values, r.based_on) for r in pg_stats.rows] == \
            [(r.region, r.year, r.values, r.based_on) for r in lite_stats.rows]
        assert pg_stats.rules == lite_stats.rules
    assert main(["export", "--db", pg_url, "--to", "parquet", "-o", str(tmp_path / "pg")]) == 0
    assert main(["export", "--db", str(tmp_path / "c.db"), "--to", "parquet", "-o", str(tmp_path / "lite")]) == 0
    capsys.readouterr()
    assert _cells(tmp_path / "pg") == _cells(tmp_path / "lite")
    # A correction made through the CLI on PostgreSQL is kept.
    assert main(["place", "同心县", "--code", "640324", "--unit", "教育局", "--db", pg_url]) == 0
    assert "人工更正" in capsys.readouterr().out


def test_unreachable_postgres_is_a_chinese_error_without_the_password(capsys):
    code = main(["failures", "--db", "postgresql://someone:secret@127.0.0.1:9/none"])
    err = capsys.readouterr().err
    assert code == 1
    assert "无法连接 PostgreSQL" in err and "secret" not in err and "Traceback" not in err
