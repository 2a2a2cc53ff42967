"""The ``gongkai`` command.  Each subcommand lives in its own module with ``add_parser``;
the heavy imports happen inside the handlers so that ``gongkai parse`` starts fast."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from gongkai import __version__
from gongkai.errors import GongkaiError

# Subcommand modules, in the order of ``gongkai --help``.
COMMAND_MODULES = ["parse", "check", "corpus", "build", "register", "log", "serve"]

_ARGPARSE_ZH = {
    "the following arguments are required": "缺少必需的参数",
    "unrecognized arguments": "无法识别的参数",
    "invalid choice": "无效的选项",
    "expected one argument": "该选项需要一个值",
    "argument": "参数",
}


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # pragma: no cover - exercised through main()
        for en, zh in _ARGPARSE_ZH.items():
            message = message.replace(en, zh)
        self.print_usage(sys.stderr)
        self.exit(2, f"gongkai：用法错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="gongkai",
        description="政府信息公开工作年度报告：读取、检查、编制、台账。",
    )
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"gongkai.cli.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
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
    except Exception as exc:  # noqa: BLE001 - the last guard: never a traceback for users
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        print(f"gongkai：内部错误（{type(exc).__name__}：{exc}）。请把这条信息和输入文件报告给维护者；"
              "设置环境变量 GONGKAI_DEBUG=1 可看到详细信息。", file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
