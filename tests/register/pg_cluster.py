"""A throwaway PostgreSQL cluster for the register tests (Debian's postgresql package; see
scripts/setup.sh).  Started once per test session on a Unix socket in a private directory."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


class Cluster:
    def __init__(self):
        self.bindir = _bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL 未安装：请运行 scripts/setup.sh（Debian 包 postgresql）")
        self.dir = tempfile.mkdtemp(prefix="gongkai-pg-")
        os.chmod(self.dir, 0o755)
        self.user = None
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.user = "postgres"
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.data = os.path.join(self.dir, "data")
        self._run("initdb", "-D", self.data, "-U", "gongkai", "--auth=trust", "-E", "UTF8", "--no-locale")
        self._run("pg_ctl", "-D", self.data, "-w", "-l", os.path.join(self.dir, "log"),
                  "-o", f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off", "start")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [os.path.join(self.bindir, tool), *args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://gongkai@/{db}?host={self.dir}&port={self.port}"

    def new_database(self) -> str:
        import psycopg
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pause(self) -> None:
        """Stop the server (fast: every connection terminated), keeping its data: ``resume`` starts it again."""
        self._run("pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop")

    def resume(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-w", "-l", os.path.join(self.dir, "log"),
                  "-o", f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
