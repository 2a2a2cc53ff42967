"""``gongkai.digest.sha256`` is hashlib's SHA-256, whichever module computes it."""

from __future__ import annotations

import hashlib
import sys

from gongkai import digest


def test_the_builtin_module_and_hashlib_give_the_same_digests(monkeypatch):
    builtin = digest._builtin_sha256()
    assert builtin is not None
    samples = [b"", b"abc", "二〇二四年度报告".encode(), bytes(range(256)) * 1000, b"\x00" * (digest.SMALL + 1)]
    expected = [hashlib.sha256(data).hexdigest() for data in samples]
    assert [builtin(data).hexdigest() for data in samples] == expected
    assert expected[1] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2's "abc"
    assert [digest.sha256(data) for data in samples] == expected  # hashlib loaded (as in a server)
    monkeypatch.delitem(sys.modules, "hashlib")  # a short run: the builtin module for small data
    assert [digest.sha256(data) for data in samples] == expected


def test_a_content_key_is_blake2b_128():
    for data in (b"", b"abc", "national: 全国统一格式".encode() * 500):
        assert digest.content_key(data) == hashlib.blake2b(data, digest_size=16).hexdigest()
    assert digest.content_key(b"a") != digest.content_key(b"b")
