"""What README.md and docs/*.md show a user, checked against the code, so the two cannot drift.

- every command line the documents show (``gongkai …`` in a code block or an inline code span),
  and every example of ``gongkai … --help``, names subcommands and options the command has;
- README's Python example, and docs/dataset.md's Python blocks, run as written, statement by
  statement, and give the values their comments show; its ``python -c`` one-liner prints the output README shows; its deadline and fee
  lines print what their comments say;
- every file the documents name (docs/architecture.md, docs/performance.md, …) exists, and every
  relative link leads to a file.

Placeholders (报告.pdf, REF, …) are not run; the commands that run on the shipped examples are run
by scripts/smoke.sh and the tests of each command."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache

import pytest

from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
# an option as written in a synopsis: --db, --db=URL, [--until D], -o …
OPTION = re.compile(r"(?:^|[\s\[(|])(--?[A-Za-z][\w-]*)")


def _command_parts(line: str) -> Iterator[str]:
    """The ``gongkai …`` commands of one shell line (a comment cut off; ``&&`` and ``;`` split)."""
    line = re.sub(r"\s+#\s.*$", "", line).strip().removeprefix("$ ")
    for part in re.split(r"\s*(?:&&|;)\s*", line):
        if part.startswith("gongkai ") or part == "gongkai":
            yield part


def documented_commands() -> list[tuple[str, str]]:
    """(where, command) for every gongkai command line of README.md and docs/*.md."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in FENCE.finditer(text):
            if block[1] in ("python", "yaml", "json"):
                continue
            body = block[2].replace("\\\n", " ")  # a command continued on the next line
            start = text.count("\n", 0, block.start()) + 2
            for i, line in enumerate(body.splitlines()):
                found += [(f"{path.name}:{start + i}", part) for part in _command_parts(line)]
        outside = FENCE.sub(lambda m: "\n" * m[0].count("\n"), text)
        for span in re.finditer(r"`(gongkai [^`]+)`", outside):
            line_no = outside.count("\n", 0, span.start()) + 1
            found += [(f"{path.name}:{line_no}", part) for part in _command_parts(span[1])]
    return found


@cache
def _parser() -> argparse.ArgumentParser:
    from gongkai.cli.parser import build_parser

    return build_parser()


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next((dict(a.choices) for a in parser._actions if isinstance(a, argparse._SubParsersAction)), {})


def problems_of(command: str) -> list[str]:
    """What in ``command`` the gongkai command does not have: an unknown subcommand or option."""
    parser, path = _parser(), ["gongkai"]
    words = command.split()[1:]
    for word in words:
        subs = _subparsers(parser)
        if word in subs:
            parser = subs[word]
            path.append(word)
        elif not word.startswith(("-", "[")):
            if subs and len(path) == 1:
                return [f"没有子命令“{word}”"]
            break
    known, problems = parser._option_string_actions, []
    for opt in OPTION.findall(command.split(" | ")[0]):
        if opt not in known and not re.fullmatch(r"-\d.*", opt):
            problems.append(f"{' '.join(path)} 没有选项 {opt}")
        elif opt in known and opt.startswith("--") and opt != (first := _first_long(known[opt])):
            problems.append(f"{' '.join(path)} 的 {opt} 是旧写法，文档写 {first}")  # --help lists the first
    return problems


def _first_long(action: argparse.Action) -> str:
    return next(s for s in action.option_strings if s.startswith("--"))


def test_documents_show_commands():
    commands = documented_commands()
    where = {w.split(":")[0] for w, _ in commands}
    assert len(commands) > 120 and {"README.md", "register.md", "disclosure.md", "web.md"} <= where


def test_every_documented_command_has_its_subcommands_and_options():
    wrong = [f"{where}：{command}：{problem}" for where, command in documented_commands()
             for problem in problems_of(command)]
    assert wrong == []


def test_a_wrong_option_in_a_document_would_be_found():
    assert problems_of("gongkai parse --jsn x.pdf") == ["gongkai parse 没有选项 --jsn"]
    assert problems_of("gongkai registr due") == ["没有子命令“registr”"]
    assert problems_of("gongkai register due [--today D] [--within N]") == []
    assert problems_of("gongkai ingest 报告目录/ --workers 8") == ["gongkai ingest 的 --workers 是旧写法，文档写 --jobs"]


def _help_examples() -> list[tuple[str, str]]:
    """The example lines of every (sub)command's --help."""
    found, todo = [], [("gongkai", _parser())]
    while todo:
        name, parser = todo.pop()
        for line in (parser.epilog or "").splitlines():
            found += [(f"{name} --help", part) for part in _command_parts(line.strip())]
        todo += [(f"{name} {sub}", p) for sub, p in _subparsers(parser).items()]
    return found


def test_the_help_shows_examples_that_the_command_takes():
    examples = _help_examples()
    assert {w for w, _ in examples} >= {"gongkai --help", "gongkai parse --help", "gongkai check --help",
                                        "gongkai register --help", "gongkai log --help"}
    assert [(w, c, p) for w, c in examples for p in problems_of(c)] == []


def test_the_readmes_python_one_liner_prints_what_the_readme_shows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r'`python -c "(.+?)"` 输出：\n\n```\n(.*?)```', readme, re.S)
    assert shown, "README no longer shows the one-liner and its output"
    p = subprocess.run([sys.executable, "-c", shown[1]], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert (p.returncode, p.stdout, p.stderr) == (0, shown[2], "")


# Names the documents give to what a user's own site or data holds, not to a file of gongkai.
USERS_FILES = {"320813/", "config/", "history/", "register.yaml", "disclosure.yaml"}


def _named_files(path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {name for name in re.findall(r"`([\w/]+(?:\.py|\.pyx|\.yaml|/))`", text) if not name.startswith("/")}


def _is_a_file_of_gongkai(name: str) -> bool:
    package = ROOT / "src" / "gongkai"
    return any(p.exists() for p in [package / name, *package.glob(f"*/{name}"), *package.glob(f"*/*/{name}"), ROOT / name,
                                    ROOT / "src" / name, ROOT / "bench" / name, ROOT / "scripts" / name,
                                    *(ROOT / "tests").glob(f"*/{name}")])


def test_every_file_a_document_names_exists():
    # the pattern still finds the names (architecture.md and performance.md name most files)
    assert len(_named_files(ROOT / "docs" / "architecture.md")) > 100
    assert len(_named_files(ROOT / "docs" / "performance.md")) > 20
    missing = [f"{path.name}：{name}" for path in DOCS for name in sorted(_named_files(path) - USERS_FILES)
               if not _is_a_file_of_gongkai(name)]
    assert missing == []


def test_parse_help_names_every_column_of_the_csv():
    from gongkai.render.cells import HEADER

    parse = _subparsers(_parser())["parse"]
    csv_help = next(a.help for a in parse._actions if "--csv" in a.option_strings)
    assert re.findall(r"(\w+)(?:（[^）]*）)?(?:, |$)", csv_help.split("：", 1)[1]) == HEADER


def test_the_deadline_ledger_of_the_readme_is_aligned_in_columns(tmp_path, monkeypatch, capsys):
    # the kind was padded by characters (工作日 + 3 spaces, 周末 + 4, 调休上班 + 2): the counts wandered
    from gongkai.cli import main
    from gongkai.cli.columns import columns_of

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # deadline reads the register's calendar: a new one
    assert main(["deadline", "2025-09-26"]) == 0
    days = [line for line in capsys.readouterr().out.splitlines() if line[:4] == "2025" and " 周" in line]
    assert days[:3] == ["2025-09-26 周五 工作日    不计（收到申请，当日不计入）", "2025-09-27 周六 周末      不计（周末）",
                        "2025-09-28 周日 调休上班  第1个工作日"]
    assert len({columns_of(line[:line.index("第") if "第" in line else line.index("不计")]) for line in days}) == 1


# The README's Python example, run statement by statement; an expression's repr is printed with its line.
_RUN_EXAMPLE = r"""
import ast, sys

class Show(ast.NodeTransformer):  # every expression statement, in a with block too, prints its value
    def visit_Expr(self, node):
        call = ast.Call(ast.Name("_show", ast.Load()), [ast.Constant(node.lineno), node.value], [])
        return ast.copy_location(ast.Expr(call), node)

def _show(line, value):
    if value is not None:
        print(f"@{line}\t{value!r}")

tree = ast.fix_missing_locations(Show().visit(ast.parse(sys.stdin.read())))
exec(compile(tree, "README.md", "exec"), {"_show": _show})
"""

def _shown(comment: str) -> str | None:
    """What a README comment says an expression gives: its leading repr, before the explanation."""
    head = re.split("[：；]", comment)[0].strip()
    return head if head[:1] in "<('[\"" or head.isdigit() or head.startswith(("PosixPath", "CellInfo")) else None


def _run_python_example(block: str, cwd) -> int:
    """Runs ``block`` statement by statement in ``cwd`` (with the repository's examples/ there) and
    checks every value a line's comment shows; how many it checked."""
    (cwd / "examples").symlink_to(ROOT / "examples")
    done = subprocess.run([sys.executable, "-c", _RUN_EXAMPLE], input=block, cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    printed = dict(re.findall(r"^@(\d+)\t(.*)$", done.stdout, re.M))
    compared = 0
    for number, line in enumerate(block.splitlines(), 1):
        code, _, comment = line.partition("  # ")
        if (shown := _shown(comment)) and code.strip() and str(number) in printed:
            pattern = ".*".join(re.escape(part) for part in shown.split("…"))
            assert re.fullmatch(pattern, printed[str(number)], re.S), (line, printed[str(number)])
            compared += 1
    return compared


def test_the_readmes_python_example_runs_and_gives_what_its_comments_show(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(import gongkai\n.*?)```", readme, re.S)[1]
    assert _run_python_example(block, tmp_path) == 11
    assert (tmp_path / "年报.docx").stat().st_size > 10_000


def test_the_python_blocks_of_the_dataset_page_run_in_order_as_written(tmp_path):
    # From Python (a corpus, pandas frames of its records, an export), then DuckDB and pandas on the export.
    text = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    blocks = [m[2] for m in FENCE.finditer(text) if m[1] == "python"]
    assert len(blocks) == 3 and blocks[0].startswith("import gongkai\n")
    assert _run_python_example("".join(blocks), tmp_path) == 5
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{t}.{x}" for t in ("reports", "cells", "figures", "findings", "failures") for x in ("csv", "parquet"))


def test_readmes_deadline_and_fee_print_what_their_comments_say(tmp_path, monkeypatch, capsys):
    from gongkai.cli import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # deadline reads the register's calendar: a new one

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"^(gongkai (?:deadline|fee) [^#\n]*?)\s+# (\S+?)(?:，|\s|$)", readme, re.M)
    assert [c.split()[1] for c, _ in shown] == ["deadline", "fee"]
    for command, first_line in shown:
        assert main(command.split()[1:]) == 0
        assert capsys.readouterr().out.splitlines()[0].replace(" ", "") == first_line.replace(" ", ""), command


def test_every_link_of_the_documents_leads_to_a_file():
    broken = []
    for path in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target) and not (path.parent / target).exists():
                broken.append(f"{path.name}：{target}")
    assert broken == []


def _readme_commands(heading: str) -> list[str]:
    """The command lines under ``# heading`` in README's 常用命令 block (continuations joined)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split(f"\n# {heading}\n", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    return [c for line in part.splitlines() for c in _command_parts(line)]


@pytest.mark.libreoffice  # the reply letter as PDF
def test_readmes_register_and_log_commands_run_in_order_as_written(tmp_path, monkeypatch, capsys):
    # They were a sketch: a letter for a reply never recorded, a correction of a request that did
    # not exist, a log entry ending in … and published before its sign-off, two exports to one file.
    import shlex

    from gongkai.cli import main

    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / variable))
    monkeypatch.chdir(tmp_path)
    commands = _readme_commands("依申请公开台账") + _readme_commands("主动公开台账")
    assert len(commands) >= 14
    for command in commands:
        if "…" in command:  # a notice's dates the user copies from the notice
            continue
        assert main(shlex.split(command)[1:]) == 0, (command, capsys.readouterr().err)
    assert {p.name for p in tmp_path.iterdir()} >= {"答复书.pdf", "台账.xlsx", "主动公开台账.xlsx", "另一个库.db", "模板"}


def test_architecture_mds_layers_are_the_ones_the_import_test_holds_the_code_to():
    from tests.test_architecture import LAYERS

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("| layer | packages | may import |", 1)[1].split("\n\n", 1)[0]
    rows = [row.split("|")[2] for row in table.strip().splitlines()[1:]]
    while any("(" in row for row in rows):  # what a package is said to be, in parentheses, names no package
        rows = [re.sub(r"\([^()]*\)", "", row) for row in rows]
    named = [{n.removesuffix(".py").rstrip("/").removeprefix("gongkai/") for n in re.findall(r"`([\w/.]+)`", row)}
             for row in rows]
    documented = set().union(*named) - {"__init__"}
    assert documented == set().union(*LAYERS) - {"gongkai"}
