"""A choice option's value written by its beginning (``--outcome 本机关不掌握``): the CLI expands a
unique beginning of a label to the whole label before the register or the log reads it, so the
record holds the full value; a beginning that fits several is refused naming them."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence

# Said in the help of every such option.
PREFIX_HELP = "写出开头几个字即可（须只对应一项）"


def expand(text: str, names: Mapping[str, Sequence[str]], what: str) -> str:
    """``text`` itself when it is an id or a name (label or alias) of ``names`` (id -> names,
    the label first), or when no name begins with it (the register's or the log's own message
    then says it is unknown); the label of the one choice a name of which begins with it — or
    of the group when the choices it fits are a group and members of it (ids ``g`` and ``g.*``)."""
    key = text.strip()
    if not key or any(key == tid or key in ns for tid, ns in names.items()):
        return text
    fits = {tid: ns[0] for tid, ns in names.items() if any(n.startswith(key) for n in ns)}
    groups = [tid for tid in fits if all(other == tid or other.startswith(f"{tid}.") for other in fits)]
    if groups:   # a group (``denied``) and members of it (``denied.state_secret``): the group
        return fits[groups[0]]
    if len(fits) > 1:
        raise argparse.ArgumentTypeError(
            f"{what}“{key}”不明确，以它开头的有：{'、'.join(fits.values())}；请多写几个字")
    return text


def prefix_type(names: Callable[[], Mapping[str, Sequence[str]]], what: str) -> Callable[[str], str]:
    """An argparse ``type`` expanding a unique beginning (the vocabulary read only when the option
    is given)."""
    def convert(text: str) -> str:
        return expand(text, names(), what)
    return convert
