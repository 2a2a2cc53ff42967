"""`parse` and `check` with --jobs: the same output, byte for byte, as file by file; a worker
that dies costs only the file that killed it."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from gongkai.cli import jobs, main
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Five text reports, one JSON Lines file of two reports, an unreadable file, a PDF."""
    d = tmp_path_factory.mktemp("reports")
    texts = sorted(EXAMPLES.glob("*.txt"))
    for p in texts:
        shutil.copy(p, d / p.name)
    (d / "b_empty.txt").write_bytes(b"")
    shutil.copy(EXAMPLES / "hongze-district-2024.pdf", d / "c.pdf")
    assert main(["parse", "--jobs", "1", "-o", str(d / "a_two.jsonl"), str(texts[1]), str(texts[3])]) == 0
    return d


def _run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("mode", [[], ["--csv"]])
def test_parse_directory_alike_with_workers(folder, capsys, mode):
    capsys.readouterr()
    one = _run(capsys, "parse", *mode, "--jobs", "1", str(folder))
    two = _run(capsys, "parse", *mode, "--jobs", "2", str(folder))
    assert one == two
    code, out, err = one
    assert code == 1  # the empty file
    assert err.splitlines()[-2:] == [f"gongkai：{folder / 'b_empty.txt'}：文件为空。",
                                     "gongkai：共 8 个文件：已读取 8 份报告，1 个文件未能读取。"]
    if mode:  # one row per cell, the files in order
        files = [line.split(",", 1)[0] for line in out.splitlines()[1:]]
        assert sorted(set(files), key=files.index) == [str(folder / n) for n in sorted(os.listdir(folder))
                                                       if n != "b_empty.txt"]
    else:  # one report a line, in the order of the files
        assert [line[:40].count("{") for line in out.splitlines()] == [1] * 8


@pytest.mark.parametrize("encoding", ["gb18030", "ascii:backslashreplace"])
def test_workers_encode_their_output_as_the_parents_stream_does(folder, tmp_path, encoding):
    """A worker hands back its output encoded as the parent's standard output and error encode
    (the parent passes the bytes on): a terminal in GB 18030, or one that takes only ASCII, gets
    the same bytes from two workers as from one, the report's Chinese included."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding}
    runs = [subprocess.run([sys.executable, "-m", "gongkai", "parse", "--jobs", j, str(folder)],
                           capture_output=True, env=env, timeout=120) for j in ("1", "2")]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    name, errors = (encoding.split(":") + ["strict"])[:2]
    out = runs[1].stdout.decode(name)
    assert len(out.splitlines()) == 8
    if name == "gb18030":
        assert "政府信息公开工作年度报告" in out
        assert runs[1].stderr.decode(name).endswith("gongkai：共 8 个文件：已读取 8 份报告，1 个文件未能读取。\n")
    else:
        assert "\\u653f\\u5e9c" in out  # 政府, as the stream's error handler wrote it
    # an output file (-o) is UTF-8 whatever the terminal's encoding
    for j in ("1", "2"):
        subprocess.run([sys.executable, "-m", "gongkai", "parse", "--jobs", j, "-o", str(tmp_path / f"{j}.jsonl"),
                        str(folder)], capture_output=True, env=env, timeout=120)
    assert (tmp_path / "1.jsonl").read_bytes() == (tmp_path / "2.jsonl").read_bytes()
    assert "政府信息公开工作年度报告" in (tmp_path / "2.jsonl").read_text(encoding="utf-8")


def test_check_directory_alike_with_workers(folder, tmp_path, capsys):
    capsys.readouterr()
    one = _run(capsys, "check", "--jobs", "1", "--html", str(tmp_path / "one"), str(folder))
    two = _run(capsys, "check", "-j", "2", "--html", str(tmp_path / "two"), str(folder))
    assert one[0] == two[0] == 1
    ends = [line for line in one[1].splitlines() if re.match(r"共 \d+ 项：错误|未发现问题。", line)]
    assert one[1] == two[1] and len(ends) == 8  # a review a report, each ending with its counts
    assert one[2].replace("/one/", "/two/") == two[2]
    pages = sorted(os.listdir(tmp_path / "one"))
    assert pages == sorted(os.listdir(tmp_path / "two")) and len(pages) == 9  # 8 reports and the index
    for name in pages:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_jobs_must_be_positive(capsys):
    assert main(["parse", "--jobs", "0", str(EXAMPLES)]) == 1
    assert "--jobs 至少为 1" in capsys.readouterr().err


def _work(context, path):
    print(f"out {path}")
    if path == "kill":
        os._exit(9)  # as a crash in a native reader
    return context + path


@pytest.mark.parametrize("n", [10, 120])  # one file a task; several (up to 8) a task
def test_a_dead_worker_costs_only_its_file(capsys, n):
    files = [f"f{i}" for i in range(n)]
    files[n // 2] = "kill"
    got = list(jobs.each(files, _work, "+", 2, lambda path: f"crashed {path}"))
    assert got == ["crashed kill" if f == "kill" else "+" + f for f in files]
    assert capsys.readouterr().out == "".join(f"out {f}\n" for f in files if f != "kill")


def _work_dying_late(context, path):
    if path == "kill":
        time.sleep(0.3)  # after "b" is done and handed back
        os._exit(9)
    return context + path


def test_a_worker_dying_while_results_are_being_written(capsys):
    # The pool broke while the caller wrote "b"'s output; the next file's submit raised
    # BrokenProcessPool out of jobs.each (an internal error) instead of redoing the files in flight.
    files = ["a", "b", "kill", "c", "d", "e", "f", "g", "h", "i"]
    got = []
    for result in jobs.each(files, _work_dying_late, "+", 2, lambda path: f"crashed {path}"):
        got.append(result)
        if result == "+b":
            time.sleep(1.5)
    assert got == ["+a", "+b", "crashed kill", *("+" + f for f in "cdefghi")]


def test_the_collector_paused_for_the_start_up_runs_again_for_the_work(tmp_path, capsys):
    import gc

    from gongkai.cli import main
    from tests.conftest import seed

    try:
        for argv in (["parse", str(seed("000")), "--json"], ["check", str(seed("000"))],
                     ["failures", "--db", str(tmp_path / "none.db")]):
            gc.disable()  # as cli.console starts a command
            main(argv)
            assert gc.isenabled(), argv
    finally:
        gc.enable()
    capsys.readouterr()


def test_parse_directory_to_a_file_alike_with_workers(folder, tmp_path):
    """Standard output a file (as ``> out.jsonl``), appended to (``>>``) and a pipe: the
    workers' output reaches it through the parent's slots (sent by the kernel, or copied where
    the kernel will not), the same bytes as from one process."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "gongkai", "parse", str(folder), "--jobs"]
    for mode in ("wb", "ab"):
        for j in ("1", "2"):
            with open(tmp_path / f"{mode}{j}", mode) as out:
                out.write(b"before\n")
                out.flush()
                done = subprocess.run([*command, j], stdout=out, stderr=subprocess.DEVNULL, timeout=120)
                assert done.returncode == 1  # the empty file, as in --jobs 1: not two runs failing alike
        assert (tmp_path / f"{mode}1").read_bytes() == (tmp_path / f"{mode}2").read_bytes()
    piped = subprocess.run([*command, "2"], capture_output=True, timeout=120)
    assert piped.returncode == 1
    piped = piped.stdout
    assert b"before\n" + piped == (tmp_path / "wb1").read_bytes()
    assert len(piped.splitlines()) == 8


def test_a_slot_is_sent_by_the_kernel_or_copied(tmp_path, monkeypatch):
    import errno
    import io

    slots = jobs._Slots.open(1)
    assert slots is not None  # workers fork here (Linux)
    data = "政府信息公开工作年度报告\n".encode() * 50_000  # over a megabyte: several reads when copied
    assert jobs._Slots.write(slots.fds[0], data, 0) == len(data)
    calls: list[int] = []
    sendfile = os.sendfile

    def counted(out, fd, start, size):
        calls.append(size)
        return sendfile(out, fd, start, size)

    monkeypatch.setattr(os, "sendfile", counted)
    try:
        with open(tmp_path / "kernel", "w", encoding="utf-8") as stream:
            stream.write("前")
            slots.send(0, 3, len(data) - 3, stream)
        assert calls and (tmp_path / "kernel").read_bytes() == "前".encode() + data[3:]

        copied = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # no descriptor: copied through
        slots.send(0, 0, len(data), copied)
        assert copied.buffer.getvalue() == data and slots.sendfile

        def refused(out, fd, start, size):
            raise OSError(errno.EINVAL, "Invalid argument")

        monkeypatch.setattr(os, "sendfile", refused)  # as for a terminal on some systems
        with open(tmp_path / "refused", "w", encoding="utf-8") as stream:
            slots.send(0, 0, len(data), stream)
        assert (tmp_path / "refused").read_bytes() == data and not slots.sendfile
    finally:
        slots.close()
