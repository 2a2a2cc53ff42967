""".doc and .wps reports through LibreOffice, and the messages when LibreOffice is missing or
a conversion hangs."""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from read_binary_docgen import to_docx

from gongkai.errors import GongkaiError, MissingDependency, UnreadableFile
from gongkai.load import load
from gongkai.read import detect_form, legacy
from tests.writers import random_report


def _tables(report) -> dict:
    d = report.to_dict()
    return {t: d.get(t) for t in ("table2", "table3", "table4")}


def _saved_as(tmp_path_factory, seed: int, target: str, suffix: str):
    """A known report saved by LibreOffice in an older format."""
    root = tmp_path_factory.mktemp(suffix)
    report = random_report(random.Random(seed), "2021")
    docx_path = to_docx(report, root / "legacy.docx")
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run([legacy.find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", str(root), str(docx_path)],
                       check=True, timeout=120, capture_output=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return report, (root / f"legacy.{suffix}").read_bytes()


@pytest.fixture(scope="module")
def word97(tmp_path_factory):
    return _saved_as(tmp_path_factory, 23, "doc:MS Word 97", "doc")


@pytest.mark.libreoffice
def test_read_binary_rtf_published_as_doc(tmp_path_factory):
    report, data = _saved_as(tmp_path_factory, 29, "rtf", "rtf")
    assert detect_form(data, "报告.doc") == "rtf"
    parsed = load(data, "报告.doc")
    assert parsed.source.form == "rtf"
    assert _tables(parsed) == _tables(report)


@pytest.mark.libreoffice
def test_read_binary_doc_round_trip_exact(word97):
    report, data = word97
    assert detect_form(data, "report.doc") == "doc"
    parsed = load(data, "report.doc")
    assert parsed.source.form == "doc"
    assert _tables(parsed) == _tables(report)
    assert any("LibreOffice" in n for n in parsed.notes)


@pytest.mark.libreoffice
def test_read_binary_wps_extension_goes_through_libreoffice(word97):
    report, data = word97
    assert detect_form(data, "报告.wps") == "wps"
    parsed = load(data, "报告.wps")
    assert parsed.source.form == "wps"
    assert _tables(parsed) == _tables(report)


def test_read_binary_doc_without_libreoffice_names_the_package(monkeypatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    with pytest.raises(MissingDependency) as info:
        load(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc")
    assert "libreoffice-writer-nogui" in info.value.message and info.value.path == "old.doc"


@pytest.mark.libreoffice
def test_read_binary_libreoffice_timeout_is_bounded(word97):
    _, data = word97
    start = time.monotonic()
    with pytest.raises(UnreadableFile) as info:
        legacy.convert(data, "slow.doc", "doc", timeout=0.05)
    assert "超过" in info.value.message and "已中止" in info.value.message
    assert time.monotonic() - start < 10


@pytest.mark.libreoffice
def test_read_binary_garbage_doc_is_a_clear_message():
    # An OLE header with junk behind it: either LibreOffice refuses it or what it makes of it
    # is no report; both end in a Chinese message naming the file.
    with pytest.raises(GongkaiError) as info:
        load(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 4000, "junk.doc")
    assert info.value.path == "junk.doc"
