"""SHA-256 of bytes (a source file's identity, a cache entry's name), without paying for OpenSSL
in a short run.

``hashlib`` loads OpenSSL's libcrypto (``_hashlib``): 9 M instructions, nearly a tenth of what
``gongkai parse one.txt`` adds to the interpreter's start, to hash a file of a few kilobytes.
CPython's own ``_sha256`` (``_sha2`` from Python 3.12) gives the same digest and loads for almost
nothing, but hashes about seven times slower (5.5 ms a megabyte against 0.74 ms on the development
VM).  So: ``hashlib`` when the process already has it (a server, an ingest worker), or when the
data is large enough that its speed pays for loading it; the builtin module for small data in a
process without it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

# Above this size hashlib's load (~3 ms) costs less than the builtin module's slower hashing.
SMALL = 256 * 1024


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data`` in hexadecimal (``hashlib.sha256(data).hexdigest()``)."""
    if "hashlib" not in sys.modules and len(data) <= SMALL and (builtin := _builtin_sha256()) is not None:
        return builtin(data).hexdigest()
    import hashlib

    return hashlib.sha256(data).hexdigest()


def content_key(data: bytes) -> str:
    """32 hexadecimal digits naming ``data`` (a cache entry made from it): BLAKE2b-128, three
    times faster than SHA-256 in CPython's own modules (the package's data files are hashed at
    every start)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=16).hexdigest()


def _builtin_sha256() -> Callable | None:
    # Named by version: a failed import searches every folder of sys.path (1 M instructions).
    try:
        if sys.version_info >= (3, 12):
            from _sha2 import sha256  # type: ignore[import-not-found]
        else:
            from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - a Python built without it
        return None
    return sha256
