"""``/api/parse`` and ``/api/check`` take a ZIP of reports, as the check page does: every file of
it answered by its name (``包.zip!成员``, folders kept, GBK or UTF-8 names), each report read (and
checked) as if uploaded alone, each other file with why it was not read; the ZIP itself refused
whole when damaged, empty or over the page's count.  ``previous`` may be a ZIP of that one report."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from gk_web_support import client_for, django_env, seed  # noqa: F401 - fixtures

CORRUPT = "ZIP 压缩包已损坏或不完整，无法打开。请重新下载原文件。"
MISLABELLED = "ZIP 压缩包中有文件名标为 UTF-8 编码而实际不是，无法打开。请用其他压缩软件重新压缩。"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _bundle() -> bytes:
    """Two reports (one named in GBK without the UTF-8 flag, as Chinese Windows writes it), a
    nested ZIP, a bomb, a spreadsheet, and the files ingest leaves out."""
    r0, r1 = seed("000").read_bytes(), seed("001").read_bytes()
    data = _zip({"乡镇/红寺堡镇.txt": r0, "XXXX/XXXXXX.txt": r1,
                 "乡镇/旧的.zip": _zip({"x.txt": r0}),      # nested: not opened
                 "乡镇/空白.txt": b"\0" * (3 * 1048576),   # a bomb by its ratio
                 "乡镇/统计.xlsx": b"PK",                    # not a report
                 "__MACOSX/乡镇/._红寺堡镇.txt": b"junk", "乡镇/.DS_Store": b"junk"})
    gbk = "乡镇/报告二.txt".encode("gbk")
    assert len(gbk) == len(b"XXXX/XXXXXX.txt") and data.count(b"XXXX/XXXXXX.txt") == 2   # local header, central directory
    return data.replace(b"XXXX/XXXXXX.txt", gbk)


def _alone(c, url: str, path, name: str, **more) -> dict:
    """The answer for a member's report uploaded alone, with its source named as the member's file
    (``source.name`` is a file's name without its folders, as for any upload)."""
    with open(path, "rb") as fh:
        r = c.post(url, {"file": fh, **more})
    assert r.status_code == 200, r.content
    d = r.json()
    d["source"]["name"] = name
    return d


def test_a_zip_to_api_check_answers_every_member_as_if_uploaded_alone(django_env):
    c = client_for(None)
    r = c.post("/api/check", {"file": SimpleUploadedFile("各乡镇.zip", _bundle())})
    assert (r.status_code, r["Content-Type"], r["Access-Control-Allow-Origin"]) == (200, "application/json", "*")
    d = r.json()
    assert d["archive"] == "各乡镇.zip"
    assert [(m["name"], m.get("error")) for m in d["members"]] == [
        ("各乡镇.zip!乡镇/报告二.txt", None),
        ("各乡镇.zip!乡镇/旧的.zip", "压缩包中的压缩包：请先解压后上传。"),
        ("各乡镇.zip!乡镇/空白.txt", "压缩包成员压缩比异常（疑似压缩炸弹），已拒绝。"),
        ("各乡镇.zip!乡镇/红寺堡镇.txt", None),
        ("各乡镇.zip!乡镇/统计.xlsx", "不是可读取的报告文件。")]
    assert [sorted(m) for m in d["members"]] == [["name", "report"]] + [["error", "name"]] * 2 + [
        ["name", "report"], ["error", "name"]]
    reports = {m["name"]: m["report"] for m in d["members"] if "report" in m}
    for member, path in (("乡镇/报告二.txt", seed("001")), ("乡镇/红寺堡镇.txt", seed("000"))):
        name = f"各乡镇.zip!{member}"
        assert reports[name] == _alone(c, "/api/check", path, member.split("/")[-1])
        assert reports[name]["findings"]   # checked: the seeds have findings
    assert reports["各乡镇.zip!乡镇/红寺堡镇.txt"]["agency"] == "吴忠市红寺堡区红寺堡镇人民政府"


def test_a_zip_to_api_parse_answers_every_report_without_checking(django_env):
    c = client_for(None)
    d = c.post("/api/parse", {"file": SimpleUploadedFile("各乡镇.zip", _bundle())}).json()
    reports = {m["name"]: m["report"] for m in d["members"] if "report" in m}
    assert sorted(reports) == ["各乡镇.zip!乡镇/报告二.txt", "各乡镇.zip!乡镇/红寺堡镇.txt"]
    for name, path in zip(sorted(reports), (seed("001"), seed("000"))):
        assert reports[name] == _alone(c, "/api/parse", path, name.split("/")[-1]) and reports[name]["findings"] == []


def test_a_zip_is_refused_whole_when_damaged_empty_or_over_the_count(django_env):
    c = client_for(None)
    many = _zip({f"{n:02d}.txt": b"x" for n in range(51)})
    for name, data, said in (("各乡镇.zip", b"PK\x03\x04", CORRUPT),
                             ("全县.zip", many, "压缩包中有 51 个报告文件，一次最多 50 个：请分成几个压缩包上传。"),
                             ("空.zip", _zip({}), "压缩包中没有文件。"),
                             # a member's name flagged UTF-8 but not UTF-8 (GBK bytes): was a 500
                             ("乱码.zip", _zip({"乡镇/XXXXXX.txt": b"x"}).replace(b"XXXXXX", "报告二".encode("gbk")),
                              MISLABELLED)):
        for url in ("/api/parse", "/api/check"):
            r = c.post(url, {"file": SimpleUploadedFile(name, data)})
            assert (r.status_code, r.json()) == (400, {"error": f"{name}：{said}"}), (url, name)


def test_each_member_is_compared_with_last_years_report_read_once(django_env):
    c = client_for(None)
    with open(seed("000"), "rb") as prev:
        d = c.post("/api/check", {"file": SimpleUploadedFile("本年.zip", _zip({"2021/第二份.txt": seed("001").read_bytes()})),
                                  "previous": prev}).json()
    with open(seed("000"), "rb") as prev:
        alone = _alone(c, "/api/check", seed("001"), "第二份.txt", previous=prev)
    assert [m["name"] for m in d["members"]] == ["本年.zip!2021/第二份.txt"]
    assert d["members"][0]["report"] == alone


def test_last_years_report_may_come_as_a_zip_of_that_one_report(django_env):
    c = client_for(None)
    with open(seed("000"), "rb") as prev:
        plain = _alone(c, "/api/check", seed("001"), "x", previous=prev)
    one = _zip({f"上年/{seed('000').name}": seed("000").read_bytes(), "上年/说明.xlsx": b"PK"})
    zipped = _alone(c, "/api/check", seed("001"), "x", previous=SimpleUploadedFile("上年.zip", one))
    assert zipped == plain and plain["findings"] and plain["notes"]   # the notes name it as if given alone
    # several reports: which one is last year's is not guessed
    two = _zip({"上年/甲镇.txt": b"a", "上年/乙镇.txt": b"b", "上年/说明.xlsx": b"PK"})
    none = _zip({"说明.xlsx": b"PK", "旧的.zip": b"PK"})
    bomb = _zip({"上年/空白.txt": b"\0" * (3 * 1048576)})
    for previous, said in (
            (two, "上年.zip：上年度报告只能是一份，而压缩包中有 2 份报告：上年/乙镇.txt、上年/甲镇.txt。"
                  "请只上传上一年度的那一份（或只含它的压缩包）。"),
            (none, "上年.zip：上年报告无法读取：压缩包中没有报告文件（只有 旧的.zip、说明.xlsx）。"),
            (bomb, "上年.zip!上年/空白.txt：上年报告无法读取：压缩包成员压缩比异常（疑似压缩炸弹），已拒绝。"),
            (b"PK\x03\x04", f"上年.zip：上年报告无法读取：{CORRUPT}")):
        for url in ("/api/parse", "/api/check"):
            with open(seed("001"), "rb") as fh:
                r = c.post(url, {"file": fh, "previous": SimpleUploadedFile("上年.zip", previous)})
            assert (r.status_code, r.json()) == (400, {"error": said}), (url, said)


def test_a_zip_of_many_other_files_names_the_first_fifty_and_counts_the_rest(django_env):
    """Only reports are counted against the ZIP's limit: 60 files that are not reports were 60
    items of the answer (20,000 empty ones in a small ZIP, 20,000); the first 50 are named, the
    other 10 said in one entry."""
    c = client_for(None)
    data = _zip({**{f"{n:02d}.dat": b"" for n in range(60)}, "报告.txt": seed("000").read_bytes()})
    d = c.post("/api/parse", {"file": SimpleUploadedFile("各乡镇.zip", data)}).json()
    assert [(m["name"], m.get("error")) for m in d["members"]] == [
        *((f"各乡镇.zip!{n:02d}.dat", "不是可读取的报告文件。") for n in range(50)),
        ("各乡镇.zip!报告.txt", None),
        ("各乡镇.zip", "另有 10 个文件不是报告文件，未列出。")]
    assert d["members"][50]["report"]["agency"] == "吴忠市红寺堡区红寺堡镇人民政府"
