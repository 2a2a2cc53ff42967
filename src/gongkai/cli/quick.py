"""The ordinary command lines of ``parse`` and ``check`` read without argparse (start-up).

Importing argparse, building the command's parser and parsing (argparse translates its words
through gettext, which imports ``locale`` and looks for message catalogues at every one) cost
about 15 M instructions of ``gongkai parse one.txt --json``, more than the reading of the file.
A command line made only of the command's name, its file names and its options written out in
full, one word each (``check a.txt b.txt --previous last.txt --json``), is read here into the
namespace argparse would make of it; anything else — help, an abbreviated or unknown option,
``--output=x``, ``--``, a value that starts with ``-``, an option given twice, options between
the file names, options that exclude each other, a value its type refuses, a file name that
starts with ``-`` — goes to argparse, which accepts it or prints its usage and the Chinese
message as before.  So this reader never refuses anything and never says anything.

It knows a command's options by running the command module's own ``add_parser`` against a
recorder (one declaration of each option: what argparse builds is what this reads), and it
reads only commands made of a ``nargs="+"`` positional, ``store_true`` flags and options taking
one plain or ``int`` value; a command declared with anything else is always left to argparse.
``tests/cli/test_cli_quick.py`` holds it to argparse's namespaces on random command lines.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

# The commands read here (each declared by ``add_parser`` in ``cli/<command>.py``).
COMMANDS = ("parse", "check")


class Unsupported(Exception):
    """The command declares something this reader does not read: argparse reads it."""


class _Command:
    """One subcommand as ``add_parser`` declared it (what ``sub.add_parser`` returned)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.positional: str | None = None  # the dest of the one nargs="+" positional
        self.flags: dict[str, str] = {}  # option string -> dest (store_true)
        self.valued: dict[str, tuple[str, Any]] = {}  # option string -> (dest, type: None or int)
        self.defaults: dict[str, Any] = {}
        self.groups: list[set[str]] = []  # dests that exclude each other

    # -- what add_parser calls on the parser --
    def add_argument(self, *names: str, group: set[str] | None = None, **kw: Any) -> None:
        known = {"action", "nargs", "type", "metavar", "help", "dest", "default"}
        if set(kw) - known:
            raise Unsupported(f"{self.name}: {sorted(set(kw) - known)}")
        if not names[0].startswith("-"):  # the positional
            if len(names) != 1 or self.positional or kw.get("nargs") != "+" or kw.get("action") \
                    or kw.get("type") or "default" in kw or "dest" in kw:
                raise Unsupported(f"{self.name}: positional {names}")
            self.positional = names[0]
            return
        if not all(n.startswith("-") and len(n) > 1 for n in names):
            raise Unsupported(f"{self.name}: {names}")
        longs = [n for n in names if n.startswith("--")]
        dest = kw.get("dest") or (longs[0] if longs else names[0]).lstrip("-").replace("-", "_")
        action, kind = kw.get("action"), kw.get("type")
        if action == "store_true" and kw.get("nargs") is None and kind is None and "default" not in kw:
            self.flags.update(dict.fromkeys(names, dest))
            self.defaults[dest] = False
        elif action in (None, "store") and kw.get("nargs") is None and kind in (None, int) \
                and kw.get("default") is None:
            self.valued.update(dict.fromkeys(names, (dest, kind)))
            self.defaults[dest] = None
        else:
            raise Unsupported(f"{self.name}: {names} {kw}")
        if group is not None:
            group.add(dest)

    def add_mutually_exclusive_group(self, required: bool = False) -> _Group:
        if required:
            raise Unsupported(f"{self.name}: a required group")
        self.groups.append(set())
        return _Group(self, self.groups[-1])

    def set_defaults(self, **kw: Any) -> None:
        self.defaults.update(kw)


class _Group:
    def __init__(self, command: _Command, dests: set[str]) -> None:
        self.command, self.dests = command, dests

    def add_argument(self, *names: str, **kw: Any) -> None:
        self.command.add_argument(*names, group=self.dests, **kw)


class _Recorder:
    """Stands for argparse's subparsers action in ``add_parser(sub)``."""

    def __init__(self) -> None:
        self.commands: dict[str, _Command] = {}

    def add_parser(self, name: str, **kw: Any) -> _Command:
        if set(kw) - {"help", "description"}:
            raise Unsupported(f"{name}: {sorted(kw)}")
        self.commands[name] = _Command(name)
        return self.commands[name]


def declared(add_parser: Any, name: str) -> _Command:
    """The command ``name`` as ``add_parser`` declares it (``Unsupported`` if it cannot be read here)."""
    recorder = _Recorder()
    try:
        add_parser(recorder)
    except (AttributeError, TypeError) as exc:  # a call the recorder does not take (add_argument_group …)
        raise Unsupported(f"{name}: {exc}") from None
    command = recorder.commands.get(name)
    if command is None or command.positional is None:
        raise Unsupported(name)
    return command


def read(words: list[str]) -> SimpleNamespace | None:
    """What argparse makes of the command line ``words`` (the same attributes and values), or
    None when argparse must read it (see the module's docstring)."""
    if not words or words[0] not in COMMANDS:
        return None
    return namespace(words, importlib.import_module(f"gongkai.cli.{words[0]}").add_parser)


def namespace(words: list[str], add_parser: Any, dest: str = "command") -> SimpleNamespace | None:
    """``read`` for the command ``words[0]`` that ``add_parser`` declares (argparse's
    subparsers ``dest`` is ``command``)."""
    try:
        command = declared(add_parser, words[0])
    except Unsupported:
        return None
    values: dict[str, Any] = {}
    names: list[str] = []
    after_names = False  # an option came after the file names: more names are argparse's
    rest = iter(words[1:])
    for word in rest:
        if not word.startswith("-"):
            if after_names:
                return None
            names.append(word)
            continue
        after_names = bool(names)
        value: Any = True
        if word in command.flags:
            option = command.flags[word]
        elif word in command.valued:
            option, kind = command.valued[word]
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            if kind is int:
                try:
                    value = int(value)
                except ValueError:
                    return None
        else:
            return None
        if option in values:
            return None
        values[option] = value
    if not names or any(len(group & values.keys()) > 1 for group in command.groups):
        return None
    assert command.positional is not None
    return SimpleNamespace(**{**command.defaults, dest: command.name, command.positional: names, **values})
