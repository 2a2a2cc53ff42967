"""Hostile inputs given to the commands: a clean Chinese refusal, exit 1, at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.safety.test_safeload import ALIAS_BOMB


def gongkai(*args, timeout=60):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    proc.elapsed = time.monotonic() - started
    return proc


def test_parse_refuses_a_fifo_and_dev_zero_instead_of_reading_forever(tmp_path):
    fifo = tmp_path / "report.pdf"
    os.mkfifo(fifo)
    p = gongkai("parse", fifo, "/dev/zero", timeout=60)  # before: blocked on the FIFO, then read /dev/zero forever
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert p.stderr.splitlines()[:2] == [  # then the summary line
        f"gongkai：{fifo}：这是一个命名管道（FIFO），不是普通文件，已拒绝读取。",
        "gongkai：/dev/zero：这是一个字符设备（如 /dev/zero），不是普通文件，已拒绝读取。"]
    # inside a directory too
    p = gongkai("parse", tmp_path)
    assert p.returncode == 1 and "这是一个命名管道（FIFO）" in p.stderr


def test_build_refuses_an_alias_bomb_source(tmp_path):
    src = tmp_path / "bomb.yaml"
    src.write_text(ALIAS_BOMB, encoding="utf-8")
    p = gongkai("build", src, "--to", "md", "-o", tmp_path / "out.md")
    assert p.returncode == 1 and p.elapsed < 30
    assert p.stderr == f"gongkai：{src}：第2行第8列：不接受 YAML 别名（*a）：请直接写出内容，不要用 & 和 * 引用。\n"
    assert not (tmp_path / "out.md").exists()


def test_deep_json_given_to_build_and_check_is_refused(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    for args, message in (
            (("check", deep), "JSON 嵌套超过 64 层，不是有效的内容。"),
            (("new", "--from", deep, "-o", tmp_path / "x.yaml"), "JSON 嵌套超过 64 层，不是有效的内容。"),
            (("build", deep, "--to", "md", "-o", tmp_path / "x.md"), "JSON 嵌套超过 64 层，不是有效的内容。")):
        p = gongkai(*args)
        assert p.returncode == 1 and "Traceback" not in p.stderr, args
        assert p.stderr.splitlines()[0] == f"gongkai：{deep}：{message}", args
    src = tmp_path / "deep.yaml"
    src.write_text("agency: x\nyear: 2024\ntable3: " + "[" * 100_000, encoding="utf-8")
    p = gongkai("build", src, "--to", "md", "-o", tmp_path / "x.md")
    assert (p.returncode, p.stderr) == (1, f"gongkai：{src}：第3行第72列：YAML 嵌套超过 64 层，不是有效的内容。\n")
