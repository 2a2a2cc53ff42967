"""``cli.quick`` reads the ordinary command lines of parse and check into exactly what argparse
makes of them, and leaves every other command line to argparse."""

from __future__ import annotations

import contextlib
import io
import random
import subprocess
import sys

import pytest

from gongkai.cli import check as check_cli
from gongkai.cli import parse as parse_cli
from gongkai.cli import quick
from gongkai.cli.parser import build_parser
from tests.conftest import seed

MODULES = {"parse": parse_cli, "check": check_cli}


def _argparse(words: list[str]) -> dict | None:
    """argparse's namespace for ``words``, or None when it refuses them (or prints help)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stderr(out), contextlib.redirect_stdout(out):
            return vars(build_parser(words[0]).parse_args(words))
    except SystemExit:
        return None


@pytest.mark.parametrize("command", quick.COMMANDS)
def test_random_command_lines_read_as_argparse_reads_them(command):
    options = [o for o in quick.declared(MODULES[command].add_parser, command).flags] + \
              [o for o in quick.declared(MODULES[command].add_parser, command).valued]
    words_pool = options * 2 + [
        "a.txt", "b.txt", "报告 2024.html", "", "-", "--", "-x.txt", "--js", "--json=1", "--output=o.json", "-oo.json",
        "-j2", "--jobs=2", "-h", "--help", "--unknown", "o.json", "2", "0", " 3", "x", "-1", "2.0", "٣"]
    rng = random.Random(20)
    quick_lines = 0
    for _ in range(1500):
        words = [command, *rng.choices(words_pool, k=rng.randint(0, 7))]
        read = quick.namespace(words, MODULES[command].add_parser)
        if read is not None:
            quick_lines += 1
            assert vars(read) == _argparse(words), words
    assert quick_lines > 100  # the reader did read a good share of them


@pytest.mark.parametrize("words", [
    ["parse", "a.txt", "--json"], ["parse", "a.txt"], ["parse", "--csv", "a.txt", "b.txt", "-o", "out.csv"],
    ["parse", "a.txt", "--previous", "last.txt", "--jobs", "2"], ["check", "a.txt"],
    ["check", "a.txt", "--json", "--previous", "b.txt", "--html", "out.html", "-j", "1"],
])
def test_ordinary_command_lines_are_read_without_argparse(words):
    read = quick.read(words)
    assert read is not None and vars(read) == _argparse(words)


@pytest.mark.parametrize("words", [
    ["parse", "a.txt", "--json", "--csv"],  # excluded by each other: argparse's message
    ["parse", "a.txt", "--js"], ["parse", "-h"], ["parse"], ["parse", "a.txt", "--json", "b.txt"],
    ["parse", "a.txt", "-j", "x"], ["parse", "a.txt", "-o"], ["check", "a.txt", "--json", "--json"],
    ["check", "a.txt", "--html=x"], ["check", "--", "-a.txt"],
])
def test_anything_else_is_left_to_argparse(words):
    assert quick.read(words) is None


def test_a_command_declaring_more_than_the_reader_knows_is_left_to_argparse():
    def add_parser(sub):
        p = sub.add_parser("demo", help="示例")
        p.add_argument("paths", nargs="+")
        p.add_argument("--mode", choices=["a", "b"])

    def with_a_group(sub):
        p = sub.add_parser("demo", help="示例")
        p.add_argument("paths", nargs="+")
        p.add_argument_group("输出").add_argument("--json", action="store_true")

    assert quick.namespace(["demo", "a.txt"], add_parser) is None
    assert quick.namespace(["demo", "a.txt"], with_a_group) is None  # a call the recorder does not take


def test_parse_one_file_imports_neither_argparse_nor_openssl():
    """Start-up: `gongkai parse one.txt --json` builds no argparse parser and hashes the file
    with CPython's own SHA-256, not OpenSSL's (docs/performance.md, Start-up)."""
    code = ("import sys\nfrom gongkai.cli import main\nmain(['parse', sys.argv[1], '--json'])\n"
            "print(sorted({'argparse', 'gettext', 'locale', 'hashlib', '_hashlib'} & set(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(seed("000"))], capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("{") and done.stderr.splitlines()[-1] == "[]", done.stderr
