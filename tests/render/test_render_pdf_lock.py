"""A LibreOffice start killed while storing a PDF leaves its lock file beside it; the next
conversion of that file must not fail on it (CI: “SfxBaseModel::impl_store … Abort Code:27”
on every later start), while a lock some other LibreOffice holds is left alone."""

from __future__ import annotations

import pytest

from gongkai.errors import GongkaiError
from gongkai.load import load, load_source
from gongkai.render.docx import render_docx
from gongkai.render.pdf import convert_to_pdf
from tests.render.test_render_cli import EXAMPLE

pytestmark = pytest.mark.libreoffice


def _docx(tmp_path):
    source = tmp_path / "r04.docx"
    source.write_bytes(render_docx(load_source(EXAMPLE).report))
    return source


def test_a_lock_left_by_a_killed_start_of_ours_is_removed(tmp_path):
    source, out = _docx(tmp_path), tmp_path / "pdf"
    out.mkdir()
    gone = tmp_path / "gongkai-lo-k1ll3d"  # the killed start's private profile, since removed
    lock = out / ".~lock.r04.pdf#"
    lock.write_text(f",root,vm,03.12.2026 18:47,{gone.as_uri()};", encoding="utf-8")
    (pdf,) = convert_to_pdf([source], out)
    assert load(pdf).agency == load_source(EXAMPLE).report.agency
    assert not lock.exists()


@pytest.mark.parametrize("holder", ["alive", "not ours"])
def test_a_lock_another_libreoffice_may_hold_is_left_alone(tmp_path, holder):
    source, out = _docx(tmp_path), tmp_path / "pdf"
    out.mkdir()
    profile = tmp_path / ("gongkai-lo-running" if holder == "alive" else "user-profile")
    if holder == "alive":
        profile.mkdir()
    lock = out / ".~lock.r04.pdf#"
    text = f",someone,desk,03.12.2026 18:47,{profile.as_uri()};"
    lock.write_text(text, encoding="utf-8")
    with pytest.raises(GongkaiError, match="LibreOffice 未能生成 PDF") as caught:
        convert_to_pdf([source], out)
    assert caught.value.path == str(out / "r04.pdf")
    assert lock.read_text(encoding="utf-8") == text
