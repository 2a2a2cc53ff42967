"""The log's vocabulary, loaded once from ``data/vocab.yaml`` plus an optional site file that
adds channels and portal columns, plus the words a log holds itself (an import brought them, the
exporting machine's site words: ``Words``, in force while that log is open).  Every label the log
reads or writes is looked up here."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gongkai.errors import GongkaiError
from gongkai.register.settings import read_yaml_file
from gongkai.settings import current


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.extra).get(key, default)


@dataclass(frozen=True)
class Channel:
    id: str
    label: str
    aliases: tuple[str, ...]
    columns: tuple[str, ...]


# The site file an application names for itself (the web: Django's DISCLOSURE_VOCAB, read once
# when it is configured), in force while a log opened with it is open (``DisclosureLog(vocab=…)``);
# otherwise GONGKAI_DISCLOSURE_VOCAB through the settings module.  A context variable: each
# request thread of the server has its own, and nothing is left behind for later callers.
_SITE_FILE: ContextVar[Path | None] = ContextVar("gongkai_log_site_vocab", default=None)


@contextmanager
def site_file(path: Path | None) -> Iterator[None]:
    """Look terms up in ``path`` (None: the setting) until the block ends."""
    token = _SITE_FILE.set(path)
    try:
        yield
    finally:
        _SITE_FILE.reset(token)


def site_vocab_path() -> Path:
    return _SITE_FILE.get() or current().disclosure_vocab_path()


@dataclass(frozen=True)
class Words:
    """Words of one channel beyond the shipped vocabulary: a channel of its own (``channel`` its id,
    ``label`` its name) or one known here (its label as known), with the other names and portal
    columns added.  What a log's export carries and its import adopts (docs/disclosure.md)."""
    channel: str
    label: str
    aliases: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


# The words the open log holds (table disclosure_vocab), in force while it is open
# (``DisclosureLog.__enter__``): as the site file, a context variable, per server thread.
_HELD: ContextVar[tuple[Words, ...]] = ContextVar("gongkai_log_held_vocab", default=())


@contextmanager
def held_words(words: Sequence[Words]) -> Iterator[None]:
    """Look terms up with ``words`` added (after the site file's) until the block ends."""
    token = _HELD.set(tuple(words))
    try:
        yield
    finally:
        _HELD.reset(token)


def held() -> tuple[Words, ...]:
    return _HELD.get()


def _shipped() -> dict:
    text = resources.files(__package__).joinpath("data", "vocab.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=64)   # bounded: a long-running server sees many site-file versions and logs
def _load(site: str, mtime: float, words: tuple[Words, ...] = ()) -> dict:
    data = _with_site(site, mtime)
    if words:
        data = copy.deepcopy(data)   # the site's vocabulary is cached and shared: not changed here
        chans = data["channels"]
        for w in words:
            # A row keeps a known channel's label as it was when adopted; the label in force is this
            # machine's (a later gongkai or the site file may rename it): join on the id.  A name
            # another channel has taken since is left out: it stays that channel's (the log opens).
            have = chans.get(w.channel)
            owners = _owners(chans)
            w = Words(w.channel, have["label"] if have is not None else w.label,
                      tuple(a for a in w.aliases if owners.get(norm(a), w.channel) == w.channel), w.columns)
            add_words(chans, w)
    return data


def _owners(chans: dict) -> dict[str, str]:
    """name (id, label or alias, normalised) -> the first channel that has it."""
    owner: dict[str, str] = {}
    for cid, spec in chans.items():
        for name in (cid, spec.get("label") or "", *(spec.get("aliases") or ())):
            if name:
                owner.setdefault(norm(name), cid)
    return owner


def add_words(chans: dict, w: Words, theirs: str = "文件中") -> str:
    """Add ``w`` to ``chans`` (id -> spec, changed in place); a channel known here under another
    name is not added: the clash, in words ('' when none; ``theirs`` says where ``w`` is)."""
    have = chans.get(w.channel)
    if have is None:
        chans[w.channel] = {"label": w.label, "aliases": list(w.aliases), "columns": list(w.columns)}
        return ""
    if norm(have["label"]) != norm(w.label):
        return f"渠道代码“{w.channel}”在本机是“{have['label']}”，{theirs}是“{w.label}”"
    known = {norm(n) for n in have.get("aliases") or ()}
    have["aliases"] = list(have.get("aliases") or []) + [a for a in w.aliases if norm(a) not in known]
    cols = {norm(c) for c in have.get("columns") or ()}
    have["columns"] = list(have.get("columns") or []) + [c for c in w.columns if norm(c) not in cols]
    return ""


def channel_name_clash(chans: dict) -> str:
    """A name (id, label or alias) given to two channels, in words ('' when none): it would be
    read as the first one."""
    owner: dict[str, str] = {}
    for cid, spec in chans.items():
        for name in {norm(n) for n in (cid, spec.get("label") or "", *(spec.get("aliases") or ())) if n}:
            other = owner.setdefault(name, cid)
            if other != cid:
                return (f"渠道“{spec.get('label') or cid}”的名称或别名“{name}”已是渠道“{chans[other]['label']}”的"
                        f"名称或别名，登记时会被记成“{chans[other]['label']}”")
    return ""


@lru_cache(maxsize=64)
def _with_site(site: str, mtime: float) -> dict:
    data = _shipped()
    if not mtime:
        return data
    extra = read_yaml_file(Path(site))
    if not isinstance(extra, dict) or not isinstance(extra.get("channels", {}), dict):
        raise GongkaiError("站点词表应包含 channels：渠道编号: {label, aliases, columns}", site)
    for cid, spec in (extra.get("channels") or {}).items():
        if not isinstance(spec, dict):
            raise GongkaiError(f"渠道“{cid}”的写法不对，应为 {{label, aliases, columns}}", site)
        have = data["channels"].get(cid)
        if have:  # add columns and aliases to a shipped channel
            have["columns"] = list(have.get("columns") or []) + [
                c for c in spec.get("columns") or [] if c not in (have.get("columns") or [])]
            have["aliases"] = list(have.get("aliases") or []) + list(spec.get("aliases") or [])
        else:
            if not spec.get("label"):
                raise GongkaiError(f"新渠道“{cid}”缺少 label（中文名称）", site)
            data["channels"][cid] = spec
    # A name given to two channels would be read as the first one: a site's own 政务微信 recorded
    # as the shipped 政务新媒体, without a word.
    problem = channel_name_clash(data["channels"])
    if problem:
        raise GongkaiError(f"站点词表中{problem}；请改用别的名称", site)
    for cid, spec in data["channels"].items():   # the words an export writes, 、 between them
        for name in (spec.get("label") or "", *(spec.get("aliases") or ()), *(spec.get("columns") or ())):
            if "、" in str(name):
                raise GongkaiError(f"站点词表中渠道“{spec.get('label') or cid}”的名称、别名或栏目“{name}”含有“、”，"
                                   "导出的台账用“、”分隔它们；请改用别的写法", site)
    return data


class NotInVocab(GongkaiError):
    """A channel or column this machine's vocabulary does not have (another site file's)."""


def _key() -> tuple[str, float, tuple[Words, ...]]:
    """The site file, its modification time and the open log's own words: lookups are cached per
    version of the file and words."""
    path = str(site_vocab_path())
    try:
        return path, os.stat(path).st_mtime, _HELD.get()
    except OSError:
        return path, 0.0, _HELD.get()


def vocab() -> dict:
    return _load(*_key())


@lru_cache(maxsize=64)
def _terms_for(section: str, site: str, mtime: float, words: tuple[Words, ...]) -> dict[str, Term]:
    out = {}
    for key, spec in _load(site, mtime, words)[section].items():
        rest = tuple((k, v) for k, v in spec.items() if k not in ("label", "aliases"))
        out[key] = Term(key, spec["label"], tuple(spec.get("aliases") or ()), rest)
    return out


def _terms(section: str) -> dict[str, Term]:
    """id -> Term (shared and cached: do not modify)."""
    return _terms_for(section, *_key())


def kinds() -> dict[str, Term]:
    return _terms("kinds")


def attributes() -> dict[str, Term]:
    return _terms("attributes")


def review_steps() -> dict[str, Term]:
    """In order: draft, check, sign."""
    return _terms("review_steps")


def endings() -> dict[str, Term]:
    return _terms("endings")


def figures() -> dict[str, Term]:
    return _terms("figures")


def channels() -> dict[str, Channel]:
    return _channels_for(*_key())


@lru_cache(maxsize=64)
def _channels_for(site: str, mtime: float, words: tuple[Words, ...]) -> dict[str, Channel]:
    return {k: Channel(k, v["label"], tuple(v.get("aliases") or ()), tuple(v.get("columns") or ()))
            for k, v in _load(site, mtime, words)["channels"].items()}


def own_words() -> list[Words]:
    """The channels and columns in force beyond the shipped ones (the site file's and the open
    log's own), in the vocabulary's order: what the log's export carries."""
    shipped = _with_site("", 0.0)["channels"]
    out = []
    for cid, chan in channels().items():
        base = shipped.get(cid)
        if base is None:
            out.append(Words(cid, chan.label, chan.aliases, chan.columns))
            continue
        aliases = tuple(a for a in chan.aliases if a not in (base.get("aliases") or ()))
        columns = tuple(c for c in chan.columns if c not in (base.get("columns") or ()))
        if aliases or columns:
            out.append(Words(cid, chan.label, aliases, columns))
    return out


def clash(words: Sequence[Words]) -> str:
    """Why ``words`` (a file's) cannot be added to the vocabulary in force, in words ('' when they
    can): a channel code this machine gives another name, or a name it gives another channel."""
    chans = {k: dict(v) for k, v in vocab()["channels"].items()}
    for w in words:
        problem = add_words(chans, w)
        if problem:
            return problem
    return channel_name_clash(chans)


def document_columns() -> dict[str, tuple[tuple[str, ...], bool]]:
    return {k: (tuple(v["names"]), bool(v.get("required"))) for k, v in vocab()["document_columns"].items()}


def ignored_columns() -> frozenset[str]:
    return frozenset(norm(c) for c in vocab().get("ignored_columns") or ())


def figure_columns() -> dict[str, tuple[str, ...]]:
    return {k: tuple(v["names"]) for k, v in vocab()["figure_columns"].items()}


_SPACE = re.compile(r"\s+")


@cache
def steps() -> dict[str, dict]:
    """The log's entries as declared in data/steps.yaml (labels, commands, fields, what a
    correction may change)."""
    from gongkai.shipped import shipped_data

    return shipped_data("gongkai.log", "data", "steps.yaml")["steps"]


@cache
def entry_columns() -> dict[str, str]:
    """field -> header of the entry format (the log's own export)."""
    from gongkai.shipped import shipped_data

    return dict(shipped_data("gongkai.log", "data", "steps.yaml")["columns"])


def norm(text: str) -> str:
    """Compare labels without spaces and with full-width brackets."""
    return _SPACE.sub("", str(text)).replace("(", "（").replace(")", "）")


def resolve(terms: dict[str, Any], text: str, what: str) -> str:
    """The id of a term given its id, label or an alias; a Chinese error naming the choices."""
    key = norm(text)
    for tid, term in terms.items():
        names = (tid, term.label, *term.aliases)
        if key in {norm(n) for n in names}:
            return tid
    choices = "、".join(t.label for t in terms.values())
    raise GongkaiError(f"{what}“{text}”无法识别，应为：{choices}")


def channel_id(text: str) -> str:
    """The id of a channel given its id, label or an alias, or a unique beginning of one (as the
    CLI's option expands it: a log's own channels are known only once the log is open)."""
    from gongkai.register.vocab import by_beginning

    chans = channels()
    text = by_beginning(text, {cid: [c.label, *c.aliases] for cid, c in chans.items()}, "公开渠道")
    try:
        return resolve(chans, text, "公开渠道")
    except GongkaiError as exc:
        raise NotInVocab(exc.message) from None


def resolve_channel(text: str, column: str = "") -> tuple[str, str]:
    """(channel id, column) checked against the vocabulary."""
    chans = channels()
    cid = channel_id(text)
    chan = chans[cid]
    column = (column or "").strip()
    if chan.columns:
        if not column:
            raise GongkaiError(f"渠道“{chan.label}”须指明栏目，可选：{'、'.join(chan.columns)}")
        found = next((c for c in chan.columns if norm(c) == norm(column)), None)
        if found is None:
            raise NotInVocab(f"栏目“{column}”不在“{chan.label}”的栏目表中（可在站点词表 "
                               f"{site_vocab_path()} 中增加），现有栏目：{'、'.join(chan.columns)}")
        return cid, found
    if column:
        raise NotInVocab(f"渠道“{chan.label}”不分栏目，栏目“{column}”应留空")
    return cid, ""
