"""The ``gongkai`` command.  Each subcommand lives in its own module with ``add_parser``;
the heavy imports happen inside the handlers so that ``gongkai parse`` starts fast.  The
command's argparse parser (Chinese words, help wrapped by terminal columns) is built by
``cli.parser``, only when needed: the ordinary command lines of ``parse`` and ``check`` are
read by ``cli.quick`` without argparse."""

from __future__ import annotations

import gc
import sys
from typing import Any, NoReturn

from gongkai.cli import quick
from gongkai.errors import GongkaiError


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    args: Any = quick.read(words)
    if args is None:
        from gongkai.cli.parser import read_command_line

        try:   # an option's words come from a site's file (the log's vocabulary): its mistakes are the user's
            args = read_command_line(words)
        except GongkaiError as exc:
            print(f"gongkai：{exc}", file=sys.stderr)
            return 1
        if args is None:  # no command: the help was printed
            return 2
    _tell_upgrades()
    if not getattr(args, "settles", False):
        gc.enable()  # (paused by console() for the start-up; parse and check resume it in jobs.settle)
    try:
        return int(args.handler(args) or 0)
    except GongkaiError as exc:
        print(f"gongkai：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gongkai：已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file or folder the system refused: the user's to fix, not ours
        if _debug():
            raise
        from gongkai.files import os_problem

        name, why = os_problem(exc)
        print(f"gongkai：{name}：{why}。" if name else f"gongkai：{why}。", file=sys.stderr)
        return 1
    except Exception as exc:
        if _debug():
            raise
        print(f"gongkai：内部错误（{type(exc).__name__}：{exc}）。请把这条信息和输入文件报告给维护者；"
              "设置环境变量 GONGKAI_DEBUG=1 可看到详细信息。", file=sys.stderr)
        return 70


def console() -> NoReturn:
    """The ``gongkai`` program (the console script, ``python -m gongkai``): ``main()`` with the
    garbage collector paused while the command starts (its imports make only long-lived objects;
    it runs again before the command's work: ``main``, ``cli.jobs.settle``).  After ``parse`` and
    ``check`` (the commands that settle), the exit skips the interpreter's last full garbage
    collection: they hold only plain Python objects, and scanning all of them again was 5 % of
    ``gongkai parse one.txt``'s instructions (``gc.freeze``; ``atexit`` handlers and the flushing of
    the output still run).  Other commands may hold native objects whose bindings check at exit
    that they were collected (DuckDB's printed "nanobind: leaked …" after every export).  Parse
    and check run in ``regex.cached_imports()``: the patterns the modules they import compile at
    their top level come from the cache of compiled patterns."""
    gc.disable()  # start-up makes long-lived objects only: resumed before the command's work
    try:
        # parse and check (the commands run a file at a time, whose start-up counts; not the
        # server, whose dependencies' patterns would only swell the cache every parse reads)
        if sys.argv[1:2] and sys.argv[1] in quick.COMMANDS:
            from gongkai import regex

            with regex.cached_imports():  # the patterns json, gettext, rich … compile as they are imported
                code = main()
        else:
            code = main()
    finally:
        gc.enable()
    jobs = sys.modules.get("gongkai.cli.jobs")
    if jobs is not None and jobs.settled():
        gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()


def _debug() -> bool:
    from gongkai.settings import current

    try:
        return current().debug
    except GongkaiError:  # a bad GONGKAI_DEBUG must not hide the error being reported
        return False


def _tell_upgrades() -> None:
    """A database's long upgrade steps (a rebuild, its VACUUM: ``db.say``) printed on stderr as
    they start, so that a minute's wait is said."""
    import logging

    class Told(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            print(f"gongkai：{record.getMessage()}", file=sys.stderr, flush=True)  # (stderr as it is now)

    told = logging.getLogger("gongkai.db.upgrade")
    if not told.handlers:
        told.addHandler(Told())
        told.propagate = False
