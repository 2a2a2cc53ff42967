"""The package's own YAML data files (the national format, the phrasings, the rules), loaded
from a cache of their parsed contents when one is there.

Importing PyYAML and parsing ``national.yaml`` and ``phrasings.yaml`` was a fifth of the CPU
time of ``gongkai parse one.txt``.  The first run on a machine parses a file and keeps its data
in the user's cache directory (``GONGKAI_CACHE``, default ``~/.cache/gongkai``) as ``marshal``
bytes; later runs read those back and never import PyYAML.  A cache entry is named by a BLAKE2b digest
of the YAML file and the Python version (marshal's format), so an edited data file, another
gongkai or another Python simply misses and parses the YAML again.  Whatever goes wrong with
the cache (no home directory, a read-only disk, a damaged file, ``GONGKAI_CACHE=0``), the data
comes from the YAML as before: the cache changes how fast, never what.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from importlib import resources
from pathlib import Path
from typing import Any

from gongkai import records
from gongkai.digest import content_key

# marshal's format is fixed per Python version; a cache entry also names this module's format.
_TAG = f"py{sys.version_info[0]}{sys.version_info[1]}-m{marshal.version}-c"  # -c: after a CRC-32


def cache_dir() -> Path | None:
    """Where compiled data is kept; None when caching is off."""
    from gongkai.settings import cache_dir

    return cache_dir()


def parse_yaml(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def shipped_data(package: str, *parts: str) -> Any:
    """A YAML data file shipped inside gongkai (trusted), parsed once per machine."""
    raw = resources.files(package).joinpath(*parts).read_bytes()
    folder = cache_dir()
    if folder is None:
        return parse_yaml(raw.decode("utf-8"))
    digest = content_key(raw)
    path = folder / f"{parts[-1]}.{digest}.{_TAG}.marshal"
    blob = read_cache(path)
    if blob is not None:
        try:
            return marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            pass  # unreadable: parse and rewrite it
    data = parse_yaml(raw.decode("utf-8"))
    try:
        blob = marshal.dumps(data)
    except ValueError:  # a value marshal cannot keep (a date): this file is parsed every time
        return data
    write_cache(path, blob)
    return data


def read_cache(path: Path) -> bytes | None:
    """What ``write_cache`` kept in ``path``; None when it is not there, cut short or damaged
    (its CRC-32 does not match)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    blob = data[4:]
    return blob if len(data) >= 4 and int.from_bytes(data[:4], "big") == zlib.crc32(blob) else None


def write_cache(path: Path, blob: bytes) -> None:
    """Keep ``blob`` as the cache file ``path`` (in a private directory, after its CRC-32), or
    nothing when it cannot be written."""
    blob = zlib.crc32(blob).to_bytes(4, "big") + blob
    try:
        from gongkai.files import private_dir

        private_dir(path.parent)
        # Written beside and renamed: a reader never sees half a file, two writers do not mix.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                out.write(blob)  # readable and writable by this user only, whatever the umask
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk: the next run parses the YAML again


class CompiledCache:
    """What gongkai compiles from its own code on every run (``regex``: the regular expressions'
    ``_sre`` code; ``records``: the records' ``__init__``), kept per machine: a dict in one cache
    file named ``name.tag.marshal`` (``tag``: whatever the values depend on, e.g. the Python
    version), read on the first ``get``, its new entries written when the process ends (merged
    with what other processes wrote since; grown past ``MAX_ENTRIES``, only what this run used is
    kept).  With ``owner_only`` (values that run as code), a file or folder another user could
    write is not read."""

    MAX_ENTRIES = 4096

    def __init__(self, name: str, tag: str, owner_only: bool = False) -> None:
        self.name, self.tag, self.owner_only = name, tag, owner_only
        self.entries: dict | None = None  # loaded on the first get
        self.file: Path | None = None  # None: caching is off
        self.new: dict = {}  # made by this process, to be written
        self.used: set = set()

    def get(self, key: Any) -> Any:
        if self.entries is None:
            folder = cache_dir()
            self.file = None if folder is None else folder / f"{self.name}.{self.tag}.marshal"
            self.entries = {} if self.file is None else self._read(self.file)
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, key: Any, value: Any) -> None:
        if self.file is None:
            return
        if not self.new:
            import atexit

            atexit.register(self.save)
        self.new[key] = value
        self.used.add(key)

    def _read(self, path: Path) -> dict:
        if self.owner_only and not _owned(path):
            return {}
        blob = read_cache(path)
        try:
            entries = marshal.loads(blob) if blob is not None else None
        except (EOFError, ValueError, TypeError):
            entries = None
        return entries if isinstance(entries, dict) else {}  # none yet, or damaged: made afresh

    def save(self) -> None:
        """Write this process's new entries (at exit)."""
        if self.file is None or not self.new:
            return
        merged = {**self._read(self.file), **self.new}  # another process may have written since
        if len(merged) > self.MAX_ENTRIES:
            merged = {key: value for key, value in merged.items() if key in self.used}
        try:
            blob = marshal.dumps(merged)
        except ValueError:  # a value marshal cannot keep: nothing is written
            return
        write_cache(self.file, blob)
        self.new.clear()


def _owned(path: Path) -> bool:
    """The file and its folder belong to this user, and no one else may write them."""
    try:
        return all(st.st_uid == os.geteuid() and not st.st_mode & 0o022 for st in (path.stat(), path.parent.stat()))
    except OSError:
        return False


# The records' compiled __init__ (gongkai.records cannot import this module: settings is made of records).
records.code_cache = CompiledCache("records", f"{sys.implementation.cache_tag}-{'.'.join(map(str, sys.version_info[:3]))}-m{marshal.version}",
                                   owner_only=True)
