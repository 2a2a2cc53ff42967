"""The command's argparse parser: every word argparse prints itself in Chinese (用法、位置参数、
选项、-h and its error messages, translated whole), help wrapped by terminal columns, each
option's value named in Chinese.  ``build_parser(command)`` builds only the invoked
subcommand's parser (``cli.COMMANDS`` names the module of each)."""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from typing import NoReturn

from gongkai import __version__
from gongkai.cli.columns import columns_of, wrap_cells

# Subcommand modules, in the order of ``gongkai --help``.
COMMAND_MODULES = ["parse", "check", "corpus", "build", "register", "log", "serve"]
# The module that registers each subcommand: a run builds the parser of its own subcommand only
# (building all of them is a third of a short command's start-up).  tests/cli checks this table
# against what the modules register.
COMMANDS = {
    "parse": "parse", "check": "check",
    "ingest": "corpus", "failures": "corpus", "place": "corpus", "export": "corpus", "compare": "corpus",
    "rollup": "corpus", "stats": "corpus",
    "new": "build", "build": "build",
    "register": "register", "deadline": "register", "fee": "register",
    "log": "log",
    "serve": "serve", "users": "serve", "backup": "serve",
}


def _command(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the top level has only flags before it)."""
    return next((a for a in argv if not a.startswith("-")), None)


def _version_only(argv: list[str]) -> bool:
    """``gongkai --version`` (no command, no help): building every command's parser would
    import the letters' DOCX library and more, ten times the version's own cost."""
    return "--version" in argv and not {"-h", "--help"} & set(argv) and _command(argv) is None


# argparse's own error messages (Python 3.11), whole sentences, in the order they are tried; a
# word-for-word swap left "one of the 参数s --pieces --pages is required".
_ARGPARSE_ZH = [
    (r"^the following arguments are required: (.*)$", lambda m: f"缺少必需的参数：{_listed(m[1])}"),
    (r"^one of the arguments (.*) is required$", lambda m: f"须给出 {_listed(m[1])} 之一"),
    (r"^unrecognized arguments: (.*)$", lambda m: f"无法识别的参数：{m[1]}"),
    (r"^argument (\S+): not allowed with argument (\S+)$", lambda m: f"参数 {m[1]} 不能与 {m[2]} 同时使用"),
    (r"^ambiguous option: (\S+) could match (.*)$", lambda m: f"选项 {m[1]} 不明确，可能是：{_listed(m[2])}"),
    (r"^argument (\S+): ", lambda m: f"参数 {m[1]}："),
    (r"invalid choice: (.*) \(choose from (.*)\)$", lambda m: f"“{_bare(m[1])}”不是可选的值（可选：{_listed(m[2])}）"),
    (r"invalid int value: (.*)$", lambda m: f"“{_bare(m[1])}”不是整数"),
    (r"invalid float value: (.*)$", lambda m: f"“{_bare(m[1])}”不是数字"),
    (r"invalid \S+ value: (.*)$", lambda m: f"无效的值“{_bare(m[1])}”"),
    (r"expected one argument$", lambda m: "该选项需要一个值"),
    (r"expected at most one argument$", lambda m: "该选项最多取一个值"),
    (r"expected at least one argument$", lambda m: "该选项至少需要一个值"),
    (r"expected (\d+) arguments?$", lambda m: f"该选项需要 {m[1]} 个值"),
    (r"ignored explicit argument (.*)$", lambda m: f"该选项不取值，“{_bare(m[1])}”被忽略"),
]


def _listed(names: str) -> str:
    """argparse's "--a --b" or "'x', 'y'" as a Chinese list: --a、--b."""
    return "、".join(n.strip(" '") for n in re.split(r",\s*|\s+(?=-)", names) if n.strip(" '"))


def _bare(value: str) -> str:
    """A value argparse printed as a Python repr ('x'), as the user typed it."""
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"" else value


def _argparse_zh(message: str) -> str:
    for pattern, zh in _ARGPARSE_ZH:
        message = re.sub(pattern, zh, message)
    return message


def _usage_words(text: str) -> list[str]:
    """The usage's words, an option kept with its value (``--kind 类别``, ``[--date 日期]``,
    ``(--pieces 件数 | --pages 页数)``)."""
    words: list[str] = []
    depth = 0
    for word in text.split():
        bare_option = words and words[-1].startswith("-") and " " not in words[-1]
        if words and (depth > 0 or (bare_option and not word.startswith(("-", "[", "(")))):
            words[-1] += " " + word
        else:
            words.append(word)
        depth += word.count("[") + word.count("(") - word.count("]") - word.count(")")
    return words


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Chinese words for argparse's own (用法), and lines wrapped by terminal columns."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        text = super()._format_usage(usage, actions, groups, prefix)
        width = self._width - self._current_indent
        if text.strip().count("\n") == 0 and columns_of(text.strip()) <= width:
            return text
        # argparse counted characters, not columns (its continuation lines stood three columns
        # left of the arguments under "用法：", and a sub-subcommand's under its parent's name):
        # wrap again at spaces, each line under the whole command's first argument.
        words = _usage_words(text)
        named = len(self._prog.split()) if text.startswith(f"{prefix or ''}{self._prog}") else 2
        lead = " ".join(words[:named])
        indent = " " * (columns_of(lead) + 1)
        lines, current = [], lead
        for word in words[named:]:
            if columns_of(f"{current} {word}") > width:
                lines.append(current)
                current = indent + word
            else:
                current = f"{current} {word}"
        lines.append(current)
        return "\n".join(lines) + "\n\n"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._headings: set[str] = set()

    def start_section(self, heading) -> None:
        # argparse closes a heading with an ASCII colon; a Chinese heading takes the full-width one
        if heading and not heading.isascii():
            self._headings.add(heading)
        super().start_section(heading)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:
            text = re.sub(rf"^( *){re.escape(heading)}:$", rf"\g<1>{heading}：", text, flags=re.M)
        return text

    def add_argument(self, action) -> None:
        # argparse measures an option's invocation in characters (a Chinese metavar takes two
        # columns each), and a subcommand's at its parent's indent (the longest name went down a line)
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            widest = max([columns_of(self._format_action_invocation(action)) + self._current_indent,
                          *(columns_of(self._format_action_invocation(sub)) + self._current_indent   # indented here
                            for sub in self._iter_indented_subactions(action))])
            self._action_max_length = max(self._action_max_length, widest)

    @staticmethod
    def _other_spellings(action) -> list[str]:
        """An option's long spellings after its first (``--on`` of ``--date``): the help names
        them, the invocation column only the first."""
        return [s for s in action.option_strings if s.startswith("--")][1:]

    def _format_action_invocation(self, action) -> str:
        others = self._other_spellings(action)
        if not others:
            return super()._format_action_invocation(action)
        shown = [s for s in action.option_strings if s not in others]
        if action.nargs == 0:
            return ", ".join(shown)
        value = self._format_args(action, self._get_default_metavar_for_optional(action))
        return ", ".join(f"{s} {value}" for s in shown)

    def _expand_help(self, action) -> str:
        text = super()._expand_help(action) if action.help else ""
        if others := [o for o in self._other_spellings(action) if o not in text]:
            text += ("；" if text else "") + f"也可写 {'、'.join(others)}"
        return text

    def _format_action(self, action) -> str:
        """argparse's own layout of an option and its help, measured in terminal columns."""
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        invocation = self._format_action_invocation(action)
        indent = " " * self._current_indent
        help_text = self._expand_help(action) if action.help is not None or self._other_spellings(action) else ""
        if not help_text.strip():
            parts = [f"{indent}{invocation}\n"]
        else:
            same_line = columns_of(invocation) <= action_width
            pad = " " * (action_width - columns_of(invocation) + 2) if same_line else "\n" + " " * help_position
            first, *rest = self._split_lines(help_text, help_width)
            parts = [f"{indent}{invocation}{pad}{first}\n", *(f"{' ' * help_position}{line}\n" for line in rest)]
        parts.extend(self._format_action(sub) for sub in self._iter_indented_subactions(action))
        return self._join_parts(parts)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(" ".join(text.split()), max(width, 20))

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        text, examples, commands = text.partition("示例：\n")  # examples: a command a line, as a shell takes it
        lines = [indent + line for line in wrap_cells(" ".join(text.split()), width)] if text.strip() else []
        if examples:
            lines += ([""] if lines else []) + [indent + "示例："] + [
                indent + "  " + line for command in commands.split("\n") for line in _shell_lines(command, width - 2)]
        return "\n".join(lines)


def _shell_lines(command: str, width: int) -> list[str]:
    """``command`` in lines of at most ``width`` columns, broken before an option and continued
    with a backslash, so that it can be copied into a shell as it is (a comment stays on its line)."""
    command, _, comment = command.partition("  # ")
    units: list[str] = []  # an option with its value is never cut
    for word in command.split():
        units[-1:] = [f"{units[-1]} {word}"] if units and not word.startswith("-") else [*units[-1:], word]
    lines, current = [], ""
    for word in units:
        if current and columns_of(f"{current} {word} \\") > width:
            lines.append(current + " \\")
            current = "  " + word
        else:
            current = f"{current} {word}" if current else word
    if comment:  # after one space: two would read as a column of the options' help
        current = f"{current} # {comment}" if columns_of(f"{current} # {comment}") <= width else current
        if not current.endswith(comment):
            lines.append(current)
            current = f"# {comment}"
    return [*lines, current]


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with every word it prints itself in Chinese (用法、位置参数、选项、-h)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助信息并退出")

    def error(self, message: str) -> NoReturn:  # pragma: no cover - exercised through main()
        message = _argparse_zh(message)
        self.print_usage(sys.stderr)
        self.exit(2, f"gongkai：用法错误：{message}\n")

    # Arguments no (sub)command knows are refused by the command they were given to, with its
    # usage (argparse refuses them at the top: "用法：gongkai [-h] [--version] 命令 ...", which
    # says nothing of the options `gongkai register template export` has).
    _entered: list[ChineseArgumentParser] = []

    def parse_known_args(self, args=None, namespace=None):
        ChineseArgumentParser._entered.append(self)
        return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        ChineseArgumentParser._entered = []
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            ChineseArgumentParser._entered[-1].error(f"无法识别的参数：{' '.join(extra)}")
        return parsed


def build_parser(command: str | None = None, everything: bool = True) -> argparse.ArgumentParser:
    """The command's parser: with ``command`` (a known subcommand), only its module's
    subcommands are built; otherwise all of them (``gongkai --help``, a mistyped command), or
    none when ``everything`` is false (``gongkai --version`` prints no command)."""
    parser = ChineseArgumentParser(
        prog="gongkai",
        description="政府信息公开工作年度报告：读取、检查、编制、台账。每个命令的用法和示例：gongkai 命令 --help。",
    )
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    modules = [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES if everything else []
    for name in modules:
        importlib.import_module(f"gongkai.cli.{name}").add_parser(sub)
    _describe(parser)
    _add_examples(parser)
    return parser


# The examples each --help ends with: the first commands a new user types (file names are the
# user's own).  tests/test_docs.py checks that the command takes every one of them.
EXAMPLES: dict[str, list[str]] = {
    "gongkai": ["gongkai parse 报告.pdf", "gongkai check 报告.pdf --html 审查.html",
                "gongkai new --from 2024年报告.pdf -o 2025.yaml", "gongkai build 2025.yaml --to docx",
                "gongkai deadline 2025-09-26"],
    "parse": ["gongkai parse 报告.pdf  # 终端里看三张统计表",
              "gongkai parse --json 报告.html -o 报告.json", "gongkai parse 报告目录/ > 报告.jsonl",
              "gongkai parse --csv -o cells.csv 报告目录/"],
    "check": ["gongkai check 报告.pdf", "gongkai check 2024年报告.pdf --previous 2023年报告.pdf --html 审查.html",
              "gongkai check 报告目录/ --html 审查/  # 每份报告一页，另有目录页"],
    "new": ["gongkai new --from 2024年报告.pdf -o 2025.yaml  # 本机关上一年度的报告",
            "gongkai new --agency 某某县某某局 --year 2025 -o 2025.yaml"],
    "build": ["gongkai build 2025.yaml --to docx", "gongkai build 2025.yaml --to pdf -o 2025年报.pdf"],
    "register": ["gongkai register add --type 自然人 --name 张三 --channel 当面 --content 某项目的环评批复 "
                 "--date 2025-09-26",
                 "gongkai register reply 2025-000001 --outcome 予以公开 --ground 2 --date 2025-10-20 "
                 "--letter 答复书.docx",
                 "gongkai register due", "gongkai register table3 --year 2025"],
    "log": ["gongkai log add --title 关于印发某办法的通知 --kind 规范性文件 --date 2025-03-01",
            "gongkai log publish D2025-000001 --channel 政府网站 --column 政策文件 --date 2025-03-05",
            "gongkai log table2 --year 2025"],
    "ingest": ["gongkai ingest --db 语料库.db 报告目录/ 报告.zip", "gongkai failures --db 语料库.db"],
    "export": ["gongkai export --db 语料库.db --to xlsx -o 数据集.xlsx"],
    "compare": ["gongkai compare 2023年报告.pdf 2024年报告.pdf --html 比较.html"],
    "deadline": ["gongkai deadline 2025-09-26", "gongkai deadline 2025-09-26 --channel 互联网 --received 2025-09-29"],
    "fee": ["gongkai fee --pieces 35", "gongkai fee --pages 150"],
    "serve": ["gongkai serve --port 8000  # 浏览器打开 http://127.0.0.1:8000/"],
    "backup": ["gongkai backup /备份/gongkai-2026-01-05"],
}


def _add_examples(parser: argparse.ArgumentParser) -> None:
    """Each --help ends with its command's examples, after what its module said there."""
    for name, each in [("gongkai", parser), *(item for action in parser._actions
                                              if isinstance(action, argparse._SubParsersAction)
                                              for item in action.choices.items())]:
        if name in EXAMPLES:
            each.epilog = (f"{each.epilog}\n" if each.epilog else "") + "示例：\n" + "\n".join(EXAMPLES[name])


# The value an option takes, in words, for options their module gave no metavar (argparse
# would print the option's name in capitals: --date DATE).
_METAVARS = {
    "type": "类型", "name": "名称", "id_number": "证件号码", "phone": "电话", "email": "电子邮箱",
    "address": "地址", "channel": "渠道", "content": "内容", "date": "日期", "received": "日期",
    "pieces": "件数", "pages": "页数", "ref": "编号", "year": "年度", "today": "日期", "within": "工作日数",
    "until": "日期", "items": "事项", "workdays": "工作日数", "reason": "理由", "paid": "日期",
    "outcome": "结果", "note": "说明", "cell": "单元格", "agency": "机关名称", "notice": "通知",
    "holidays": "日期", "earlier": "件数", "host": "地址", "port": "端口", "threads": "线程数", "label": "名称",
}
# Positional arguments a module left with an English name (usage and "缺少必需的参数" print it).
_POSITIONALS = {"ref": "编号", "kind": "文书种类", "letter": "文书种类", "dir": "文件夹", "date": "提交日期"}


def _describe(parser: argparse.ArgumentParser) -> None:
    """Every (sub)command's ``--help`` opens with a description (its one-line help where the
    module gave no longer one), and names each option's value in Chinese."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                if not sub.description and (help_text := helps.get(name)):
                    sub.description = help_text + "。"
                _describe(sub)
        elif (action.option_strings and action.metavar is None and action.choices is None
              and action.nargs != 0 and action.dest in _METAVARS):
            action.metavar = _METAVARS[action.dest]
        elif not action.option_strings and action.metavar is None and action.dest in _POSITIONALS:
            action.metavar = _POSITIONALS[action.dest]


def read_command_line(words: list[str]) -> argparse.Namespace | None:
    """What the command line ``words`` asks for, read by argparse (its usage and message on a
    mistake); None when it names no command (the help was printed)."""
    parser = build_parser(_command(words), everything=not _version_only(words))
    args = parser.parse_args(words)
    if not getattr(args, "handler", None):
        parser.print_help()
        return None
    return args
