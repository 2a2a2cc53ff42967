"""A failure's reason names a server path (a LibreOffice or OCR error naming a temporary folder or
the installed packages; a corpus file under the data folder): only the administrator sees it;
everyone else sees the file's name, on every page and JSON answer a reason reaches."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from gk_web_support import client_for, django_env, world  # noqa: F401 - fixtures

MODEL = "/usr/lib/python3/dist-packages/rapidocr/models/ch_PP-OCRv4_det_infer.onnx"
UPLOADED = "/srv/gongkai/corpus-uploads/20261203-093000-li-a1b2c3/扫描件.pdf"
WHOLE = f"读取失败：找不到 OCR 模型 {MODEL}，请重新安装 OCR 组件；无法读取文件：{UPLOADED}：权限不够"
CUT = "读取失败：找不到 OCR 模型 ch_PP-OCRv4_det_infer.onnx，请重新安装 OCR 组件；无法读取文件：扫描件.pdf：权限不够"


def test_paths_are_cut_to_the_files_name_and_nothing_else_is_touched():
    from gongkai.errors import without_folders

    assert without_folders(WHOLE) == CUT
    kept = "2025/9/26 收到，3/5 份，application/json，http://127.0.0.1:8000/api/check，X/Y"
    assert without_folders(kept) == kept
    assert without_folders("LibreOffice（'/tmp/gongkai-lo-x1/out/'）") == "LibreOffice（'…'）"


def test_a_site_path_is_never_cut_and_a_file_system_path_always_is(django_env, tmp_path, monkeypatch):
    """A message may name a page of the site (/register/calendar/): a visitor needs it whole.
    Only a path under a file system's top folder is cut — one of this machine's, the usual ones
    (a reason stored on another server), the home and temporary folders."""
    from django.test import override_settings
    from django.urls import get_resolver

    from gongkai.errors import without_folders
    from gongkai.web.access import without_server_folders

    message = "请先在 /register/calendar/ 设定本机关的日历，再打开 /api/corpus/documents/3/cells 核对"
    assert without_folders(message) == without_server_folders(message) == message
    tops = {str(p.pattern).lstrip("^").split("/")[0] for p in get_resolver().url_patterns} - {"", "favicon.ico"}
    assert {"register", "api", "check", "survey", "static"} <= tops
    for top in sorted(tops):
        assert without_server_folders(f"见 /{top}/x/y.json") == f"见 /{top}/x/y.json", top
        # A server whose checkouts or home are in a folder at "/" named like a part of the site (CI
        # keeps its clone in /check): the site's pages and paths naming no folder there stay whole.
        with override_settings(HOME=f"/{top}/gk-home-zz"):
            assert without_server_folders(f"见 /{top}/x/y.json；/{top}/") == f"见 /{top}/x/y.json；/{top}/", top
    with override_settings(HOME="/check/gk-home-zz"):
        assert without_server_folders("打开 /check/report/3/ 查看") == "打开 /check/report/3/ 查看"
        # A path under the site's data folder is the server's, its own folder there or not (it was
        # kept whole when its folder was gone: an upload's folder removed once read).
        assert without_server_folders("无法读取 /check/gk-home-zz/uploads/li-20261204/表.pdf") == "无法读取 表.pdf"
    # ... and a file there is cut: here the temporary folder stands for that folder at "/".
    from gongkai.web import access

    top = str(tmp_path).strip("/").split("/")[0]
    monkeypatch.setattr(access, "_site_tops", lambda: tops | {top})
    (tmp_path / "上传").mkdir()
    with override_settings(HOME=str(tmp_path)):
        assert without_server_folders(f"无法读取 {tmp_path}/上传/表.pdf") == "无法读取 表.pdf"
        # ... and so is one whose own folder is gone, under a folder that is there
        assert without_server_folders(f"无法读取 {tmp_path}/上传/已删除/表.pdf") == "无法读取 表.pdf"
        assert without_server_folders(f"见 /{top}/gk-none-zz/y.json") == f"见 /{top}/gk-none-zz/y.json"
    here = tmp_path / "上传" / "表.pdf"
    assert without_folders(f"无法读取 {here}：权限不够") == "无法读取 表.pdf：权限不够"
    assert without_folders("无法读取 /data/gongkai/corpus/a.pdf") == "无法读取 a.pdf"
    assert without_folders("无法读取 /work/x/b.pdf；/home/li/c.pdf") == "无法读取 b.pdf；c.pdf"
    # The site's own home (GONGKAI_WEB_HOME, read by gongkai.settings only) under a top folder of its
    # own: cut when the caller names it, as the web does with its HOME.
    assert without_folders("无法读取 /gk-site-zz/web/a.pdf") == "无法读取 /gk-site-zz/web/a.pdf"
    assert without_folders("无法读取 /gk-site-zz/web/a.pdf", "/gk-site-zz/web") == "无法读取 a.pdf"


@pytest.fixture
def failed(django_env, tmp_path):
    """A corpus holding one file that failed with a reason naming server paths, as a worker stores it."""
    from django.test import override_settings

    from gongkai.corpus.store import Store

    url = str(tmp_path / "corpus.db")
    with Store(url) as store:
        doc_id = store.save(sha256="ab" * 32, name="扫描件.pdf", path=UPLOADED, size=10, parser_version="t",
                            result={"reason": WHOLE, "form": "pdf"}, placement=None)
    with override_settings(CORPUS_URL=url):
        yield doc_id


@pytest.mark.parametrize("who", ["supervisor", "clerk_a", "admin"])
def test_a_corpus_failures_reason_by_role(world, failed, who):
    shown = WHOLE if who == "admin" else CUT
    c = client_for(world[who])
    page = c.get("/survey/?region=").content.decode()
    assert f"<li>扫描件.pdf：{shown}</li>" in page
    report = c.get(f"/survey/report/{failed}/").content.decode()
    assert f"<td>未能读取：{shown}（" in report
    assert c.get(f"/api/corpus/reports/{failed}").json()["reason"] == shown
    rows = list(csv.DictReader(io.StringIO(b"".join(c.get("/api/corpus/tables/failures.csv").streaming_content)
                                           .decode("utf-8-sig"))))
    assert [(r["path"], r["reason"]) for r in rows] == [(UPLOADED if who == "admin" else "扫描件.pdf", shown)]


@pytest.mark.parametrize("who", [None, "clerk_a", "supervisor", "admin"])
def test_a_read_failures_reason_by_role(world, monkeypatch, who):
    from gongkai.errors import UnreadableFile
    from gongkai.web import reportview

    def fails(upload, archives=False):
        raise UnreadableFile(f"找不到 OCR 模型 {MODEL}，请重新安装 OCR 组件。", upload.name)

    monkeypatch.setattr(reportview, "read_upload", fails)
    shown = f"找不到 OCR 模型 {MODEL if who == 'admin' else 'ch_PP-OCRv4_det_infer.onnx'}，请重新安装 OCR 组件。"
    c = client_for(None if who is None else world[who])
    for url in ("/api/parse", "/api/check"):
        r = c.post(url, {"file": SimpleUploadedFile("扫描件.png", b"\x89PNG")})
        assert (r.status_code, r.json()) == (400, {"error": f"扫描件.png：{shown}"}), url
    c.get("/check/")
    page = c.post("/check/", {"file": SimpleUploadedFile("扫描件.png", b"\x89PNG"),
                              "csrfmiddlewaretoken": c.cookies["csrftoken"].value}).content.decode()
    assert shown in page and (MODEL in page) == (who == "admin")
