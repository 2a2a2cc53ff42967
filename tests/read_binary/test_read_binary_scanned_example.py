"""A scan of a shipped report, made here as a scanner would (pdftoppm at 200 dpi, grey, wrapped
as an image-only PDF): OCR reads its title and agency, and reads one total of table 3 wrong
(7.属于行政执法案卷: 6 where the report has 9, with confidence 1.00).  ``gongkai check`` says the
report was read by OCR, names that cell from the crossing sums, and words the sums it breaks as
possibly OCR's.  Scanned: the title page's top (title and preamble) page 4 whole and the top of
page 5 (the rest of table 3).

The wrong 6 is made on the scan, as a smudge or a scanner's error makes one: the total's 9 is
covered by the 6 printed two rows up in the same column (OCR with full-resolution text detection
used to misread that 9 as 6 by itself; since detection works at DET_SIDE it reads it right)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest

from gongkai.cli import main
from tests.conftest import EXAMPLES

pytestmark = [pytest.mark.ocr,
              pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")]


def _scan(pdf, pages: dict[int, tuple[float, float]], out) -> None:
    """``pages``: page number -> the part of its height kept (from, to), as shares (OCR time
    grows with the area: only what the test needs is scanned)."""
    from PIL import Image

    images = []
    for number, (top, bottom) in pages.items():
        png = subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", str(number), "-l", str(number),
                              str(pdf)], capture_output=True, check=True).stdout
        image = Image.open(io.BytesIO(png))
        if number == 4:
            _six_for_nine(image)
        images.append(image.crop((0, int(image.height * top), image.width, int(image.height * bottom))))
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=images[1:])


def _six_for_nine(image) -> None:
    """Page 4 at 200 dpi: the 6 of row 4 of (三) in the 总计 column (points, PDF coordinates
    from the text layer: x 502.3–505.3, y 188.1–193.3) pasted over the 9 of row 7, 72 points
    lower (y 116.5–121.7), each with a point of margin."""
    px = 200 / 72
    left, right, top, bottom = 501.3 * px, 506.3 * px, (842 - 194.3) * px, (842 - 187.1) * px
    six = image.crop((round(left), round(top), round(right), round(bottom)))
    image.paste(six, (round(left), round(top + 71.6 * px)))


def test_scanned_report_checks_with_ocr_findings_marked_and_the_misread_cell_named(tmp_path, capsys):
    scan = tmp_path / "huaian-scan.pdf"
    _scan(EXAMPLES / "huaian-city-2024.pdf", {1: (0, 0.35), 4: (0, 1), 5: (0, 0.56)}, scan)
    assert main(["check", str(scan), "--json", "--html", str(tmp_path / "review.html")]) == 0  # no error left
    d = json.loads(capsys.readouterr().out)
    assert (d["title"], d["agency"], d["year"]) == ("淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府", 2024)
    assert d["cells"]["table3.denied.enforcement_file.total"]["raw"] == "6"  # as read: nothing is changed
    by_rule = {}
    for f in d["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    [suspect] = by_rule["OCR-SUSPECT"]
    assert suspect["cells"] == ["table3.denied.enforcement_file.total"]
    assert suspect["message"].startswith("表三“（三）不予公开—7.属于行政执法案卷”行“总计”列识别为 6（OCR 置信度 ")
    assert "若为 9，2 处不成立的合计都成立" in suspect["message"]
    assert {f["rule"] for f in by_rule["T3-TOTAL"] + by_rule["T3-ROWSUM"]} == {"T3-TOTAL", "T3-ROWSUM"}
    for f in by_rule["T3-TOTAL"] + by_rule["T3-ROWSUM"]:
        assert f["severity"] == "warning"
        assert "可能是识别错误：最可能识别错误的是表三“（三）不予公开—7.属于行政执法案卷”行“总计”列" in f["message"]
    for f in by_rule.get("SECTION-MISSING", []):
        assert f["message"].endswith("也可能是 OCR 没有正确识别原件的这部分文字，请对照原件核对。")
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert 'class="ocr-banner"' in page
    assert 'id="cell-table3.denied.enforcement_file.total" class="num doubtful sev-warning"' in page
