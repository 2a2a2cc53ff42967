"""检查 takes a ZIP of reports, as 汇总 does: its members read as ``gongkai ingest`` reads them
(in memory, under the same limits, named ``包.zip!成员``), each checked as if uploaded alone; a
member not read is named with why, and the rest are checked."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from gk_web_support import client_for, django_env, seed  # noqa: F401 - fixtures


def _csrf(c):
    assert c.get("/check/").status_code == 200
    return c.cookies["csrftoken"].value


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _rows(html: str) -> list[str]:
    box = html.split('id="check-summary"')[1].split("</section>")[0]
    return [row.split("</tr>")[0] for row in box.split("<tr>")[2:]]


def test_a_zip_of_reports_is_checked_member_by_member(django_env):
    from gongkai.check import check_report
    from gongkai.load import load

    c = client_for(None)
    token = _csrf(c)
    r0, r1 = seed("000").read_bytes(), seed("001").read_bytes()
    bundle = _zip({"乡镇/红寺堡镇.txt": r0, "乡镇/第二份.txt": r1,
                   "乡镇/旧的.zip": _zip({"x.txt": r0}),          # nested: not opened
                   "乡镇/空白.txt": b"\0" * (3 * 1048576),       # a bomb by its ratio
                   "乡镇/统计.xlsx": b"PK",                        # not a report
                   "__MACOSX/乡镇/._红寺堡镇.txt": b"junk", "乡镇/.DS_Store": b"junk"})   # left out, as ingest does
    html = c.post("/check/", {"file": SimpleUploadedFile("各乡镇.zip", bundle),
                              "csrfmiddlewaretoken": token}).content.decode()
    assert "<h2>共 5 个文件</h2>" in html
    assert "已读取 2 份，<span class=\"bad-text\">3 个未能读取</span>" in html
    failed = [r for r in _rows(html) if "未能读取：" in r]
    assert failed == [
        '<td><span class="file-name">各乡镇.zip!乡镇/旧的.zip</span><br><span class="bad-text">'
        '未能读取：压缩包中的压缩包：请先解压后上传。</span></td><td colspan="3"></td>',
        '<td><span class="file-name">各乡镇.zip!乡镇/空白.txt</span><br><span class="bad-text">'
        '未能读取：压缩包成员压缩比异常（疑似压缩炸弹），已拒绝。</span></td><td colspan="3"></td>',
        '<td><span class="file-name">各乡镇.zip!乡镇/统计.xlsx</span><br><span class="bad-text">'
        '未能读取：不是可读取的报告文件。</span></td><td colspan="3"></td>']
    # each report as if uploaded alone: the same findings, counted, under its member's name
    for member, path in (("乡镇/红寺堡镇.txt", seed("000")), ("乡镇/第二份.txt", seed("001"))):
        found = check_report(load(path))
        counts = [sum(1 for f in found if f.severity == s) for s in ("error", "warning", "notice")]
        row = next(r for r in _rows(html) if f"各乡镇.zip!{member}</span>" in r)
        assert row.endswith("".join(f'<td class="num">{n}</td>' for n in counts)), row
    assert "吴忠市红寺堡区红寺堡镇人民政府" in html and "__MACOSX" not in html and ".DS_Store" not in html
    assert 'data-name="红寺堡镇.json"' in html   # the downloads named by the member, not 包.zip!folder/…


def test_a_zip_is_refused_whole_when_damaged_or_over_the_page_limit(django_env):
    c = client_for(None)
    token = _csrf(c)
    html = c.post("/check/", {"file": SimpleUploadedFile("各乡镇.zip", b"PK\x03\x04"),
                              "csrfmiddlewaretoken": token}).content.decode()
    assert ('<section class="result failed"><h2>各乡镇.zip</h2><p class="error" role="alert">'
            "ZIP 压缩包已损坏或不完整，无法打开。请重新下载原文件。</p></section>") in html
    many = _zip({f"{n:02d}.txt": b"x" for n in range(51)})
    html = c.post("/check/", {"file": SimpleUploadedFile("全县.zip", many), "csrfmiddlewaretoken": token}).content.decode()
    assert ('<section class="result failed"><h2>全县.zip</h2><p class="error" role="alert">'
            "压缩包中有 51 个报告文件，一次最多 50 个：请分成几个压缩包上传。</p></section>") in html


def test_the_check_page_says_it_takes_a_zip(django_env):
    from gongkai.load import FORMS_ZH

    page = client_for(None).get("/check/").content.decode()
    assert f"上传一份或多份年度报告（{FORMS_ZH}，或这些文件的 ZIP 压缩包，单个不超过 20 MB；压缩包中的每份报告逐一检查）" in page
    from django.conf import settings

    accept = ",".join(settings.UPLOAD_SUFFIXES) + ",.zip"
    assert f'<input type="file" id="file-input" name="file" multiple accept="{accept}" class="hidden-input">' in page


def test_last_years_report_may_be_a_zip_of_that_one_report(django_env):
    c = client_for(None)
    token = _csrf(c)

    def page(previous) -> str:
        with open(seed("001"), "rb") as fh:
            return c.post("/check/", {"file": fh, "previous": previous, "csrfmiddlewaretoken": token}).content.decode()

    with open(seed("000"), "rb") as prev:
        plain = page(prev)
    # 000 is another body's report: said so, naming it, whether it came alone or in a ZIP
    note = ("上年报告（000_a0c7fabfdf456585.txt）的机关是“吴忠市红寺堡区红寺堡镇人民政府”，本报告的机关是"
            "“沙坡头区柔远镇人民政府”，不是同一机关")
    assert note in plain
    zipped = page(SimpleUploadedFile("上年.zip", _zip({f"上年/{seed('000').name}": seed("000").read_bytes(),
                                                      "上年/说明.xlsx": b"PK"})))
    assert note in zipped and "未能读取" not in zipped and "无法读取" not in zipped
    # a ZIP of several reports: which is last year's is not guessed; the members are named
    several = page(SimpleUploadedFile("上年.zip", _zip({"上年/甲镇.txt": b"a", "上年/乙镇.txt": b"b"})))
    assert ('<section class="result failed"><h2>上年.zip</h2><p class="error" role="alert">'
            "上年度报告只能是一份，而压缩包中有 2 份报告：上年/乙镇.txt、上年/甲镇.txt。"
            "请只上传上一年度的那一份（或只含它的压缩包）。</p></section>") in several


def test_the_check_page_says_last_years_report_may_be_a_zip(django_env):
    from django.conf import settings

    page = client_for(None).get("/check/").content.decode()
    accept = ",".join(settings.UPLOAD_SUFFIXES) + ",.zip"
    assert f'<input type="file" id="previous-input" name="previous" accept="{accept}" class="hidden-input"' in page
    assert "上年度报告（可选，用于核对上年结转、现行有效件数、上年所列问题的整改和文字雷同；也可是只含这一份报告的 ZIP 压缩包）" in page


def test_the_check_page_counts_reports_across_all_the_files_of_a_request(django_env):
    """50 reports a ZIP times 50 ZIPs was 2,500 reports in one request: the count is the request's;
    a ZIP or file past it is refused whole, by name, and those after it still checked if they fit."""
    c = client_for(None)
    token = _csrf(c)

    def bundle(n):
        return _zip({f"{k:02d}.txt": b"x" for k in range(n)})

    files = [SimpleUploadedFile("甲.zip", bundle(30)), SimpleUploadedFile("乙.zip", bundle(30)),
             SimpleUploadedFile("丙.zip", bundle(20)), SimpleUploadedFile("丁.txt", b"x")]
    html = c.post("/check/", {"file": files, "csrfmiddlewaretoken": token}).content.decode()
    assert "<h2>共 52 个文件</h2>" in html   # 甲's 30, 乙, 丙's 20, 丁
    assert ('<td><span class="file-name">乙.zip</span><br><span class="bad-text">未能读取：'
            "一次最多检查 50 份报告，前面的文件已有 30 份：此压缩包中的 30 份未检查，请另行上传。</span></td>") in html
    assert ('<td><span class="file-name">丁.txt</span><br><span class="bad-text">未能读取：'
            "一次最多检查 50 份报告，前面的文件已有 50 份：此文件未检查，请另行上传。</span></td>") in html
    assert "丙.zip!19.txt" in html and "乙.zip!" not in html
