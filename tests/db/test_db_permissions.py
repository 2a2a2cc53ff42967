"""A PostgreSQL user that may connect but not make tables (PostgreSQL 15's default for the public
schema of a database it does not own): said in Chinese with what the administrator must grant,
exit 1 — ``gongkai users``/``serve`` said 内部错误 (Django's ProgrammingError), the registers named
libpq's English and asked to report it to the maintainers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gongkai.db import Database
from gongkai.errors import GongkaiError

GRANT = "请让数据库管理员授予该用户建表的权限（如 GRANT CREATE ON SCHEMA public TO 用户名），或换用有权限的用户"


@pytest.fixture(scope="module")
def reader_url(pg_cluster):
    import psycopg

    url = pg_cluster.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') "
                     "THEN CREATE ROLE reader LOGIN; END IF; END$$")
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    return url.replace("postgresql://gongkai@", "postgresql://reader@")


def test_a_store_whose_user_may_not_make_tables_says_what_to_grant(reader_url):
    with pytest.raises(GongkaiError) as err:
        Database(reader_url, ("gongkai.register",))
    assert err.value.message == ("台账数据库的结构升级失败（该用户没有在“public”中建表或写入的权限），已全部撤销，"
                                 f"数据库未作任何修改。{GRANT}")


def test_the_web_application_whose_user_may_not_make_tables_says_what_to_grant(reader_url, tmp_path):
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path)}
    env.pop("GONGKAI_WEB_DB", None)
    r = subprocess.run([sys.executable, "-m", "gongkai", "users", "--db", reader_url, "list"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == f"gongkai：{reader_url}：无法打开或升级网页应用数据库（该用户没有在“public”中建表或写入的权限）：{GRANT}\n"
