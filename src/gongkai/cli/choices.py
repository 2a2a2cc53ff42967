"""A choice option's value written by its beginning (``--outcome 本机关不掌握``): the CLI expands a
unique beginning of a label to the whole label before the register or the log reads it, so the
record holds the full value; a beginning that fits several is refused naming them."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence

# Said in the help of every such option.
PREFIX_HELP = "写出开头几个字即可（须只对应一项）"


def expand(text: str, names: Mapping[str, Sequence[str]], what: str) -> str:
    """``register.vocab.by_beginning`` (the one way a choice is written beginning-first, in the
    register, the API and here), its refusal of an ambiguous beginning as argparse's."""
    from gongkai.register.vocab import AmbiguousChoice, by_beginning

    try:
        return by_beginning(text, names, what)
    except AmbiguousChoice as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def prefix_type(names: Callable[[], Mapping[str, Sequence[str]]], what: str) -> Callable[[str], str]:
    """An argparse ``type`` expanding a unique beginning (the vocabulary read only when the option
    is given)."""
    def convert(text: str) -> str:
        return expand(text, names(), what)
    return convert
