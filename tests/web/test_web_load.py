"""The web takes every form the one loader reads: report JSON and source YAML on 检查 and the API."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from gk_web_support import EXAMPLES, client_for, django_env, seed  # noqa: F401 - fixtures

from gongkai.load import load


def test_report_json_and_source_yaml_are_checked_like_published_files(django_env):
    c = client_for(None)
    report = load(seed("000"))
    as_json = SimpleUploadedFile("000.json", report.to_json().encode("utf-8"))
    r = c.post("/api/check", {"file": as_json})
    assert r.status_code == 200, r.content
    from gongkai.check import check_report

    assert [f["rule"] for f in r.json()["findings"]] == [f.rule for f in check_report(report)]
    source = (EXAMPLES / "source-2024.yaml").read_bytes()
    r = c.post("/api/parse", {"file": SimpleUploadedFile("source-2024.yaml", source)})
    assert r.status_code == 200 and r.json()["agency"] == "示例市示例区市场监督管理局"
    assert c.get("/check/").status_code == 200
    r = c.post("/check/", {"file": SimpleUploadedFile("000.json", report.to_json().encode("utf-8")),
                           "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    page = r.content.decode()
    assert r.status_code == 200 and "红寺堡镇人民政府" in page and "SECTION-MISSING" in page
    assert "检查页面请上传报告原文" not in page
