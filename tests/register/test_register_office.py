"""The review body (行政复议机关) a body's letters name, told from its kind and place where the
law names one (register/office.py), and nothing where it does not."""

from __future__ import annotations

import pytest

from gongkai.register.office import office_settings, review_body_of
from gongkai.register.settings import shipped_settings


@pytest.mark.parametrize("agency, review_body", [
    ("淮安市清江浦区教育局", "淮安市清江浦区人民政府"),            # a county-level department: its government
    ("清江浦区教育局", "淮安市清江浦区人民政府"),                  # however the name is printed
    ("淮安市市场监督管理局", "淮安市人民政府"),                    # a city's department
    ("江苏省教育厅", "江苏省人民政府"),
    ("北京市朝阳区教育委员会", "北京市朝阳区人民政府"),            # a municipality's district
    ("淮安市清江浦区人民政府", "淮安市人民政府"),                  # a government: the one above
    ("洪泽区政府", "淮安市人民政府"),
    ("北京市朝阳区人民政府", "北京市人民政府"),
    ("淮安市人民政府", "江苏省人民政府"),
    ("江苏省人民政府", "江苏省人民政府"),                          # a province reviews its own acts
    ("淮安市洪泽区岔河镇人民政府", "淮安市洪泽区人民政府"),        # a town: the county's government
    ("宁夏回族自治区吴忠市红寺堡区新庄集乡人民政府", "吴忠市红寺堡区人民政府"),
    ("淮安市清江浦区清河街道办事处", "淮安市清江浦区人民政府"),    # a 派出机关: the district's
    # the law sends these elsewhere or leaves a choice; or the name places no body
    ("国家税务总局淮安市清江浦区税务局", None), ("淮安市清江浦区司法局", None), ("淮安市公安局清江浦分局", None),
    ("淮安经济技术开发区管理委员会", None), ("淮安市清江浦区人民政府办公室", None), ("测试机关", None), ("", None),
])
def test_review_body_of(agency, review_body):
    assert review_body_of(agency) == review_body


@pytest.mark.parametrize("agency, region, review_body", [
    # found walking a county on the web: its towns are named without their county, and their
    # letters sent applicants to 本级人民政府 (a town's own government); the body's region tells it
    ("安宁镇人民政府", "320812", "淮安市清江浦区人民政府"),
    ("北关街道办事处", "320812", "淮安市清江浦区人民政府"),
    ("某区教育局", "320812", "淮安市清江浦区人民政府"),
    ("淮安市洪泽区岔河镇人民政府", "320812", "淮安市洪泽区人民政府"),   # a name that places itself wins
    ("安宁镇人民政府", "320800", None),        # a town directly under a city: no county to name
    ("某区司法局", "320812", None), ("测试机关", "320812", None), ("安宁镇人民政府", "999999", None),
])
def test_review_body_of_a_body_whose_region_is_known(agency, region, review_body):
    assert review_body_of(agency, region) == review_body
    assert office_settings(shipped_settings(), agency, region).review_body == (review_body or "本级人民政府")


def test_a_sites_own_review_body_wins():
    shipped = shipped_settings()
    assert office_settings(shipped, "淮安市清江浦区教育局").review_body == "淮安市清江浦区人民政府"
    assert office_settings(shipped, "测试机关").review_body == "本级人民政府"   # not told: the placeholder (warned)
    own = shipped.replace(review_body="某市人民政府")
    assert office_settings(own, "淮安市清江浦区教育局").review_body == "某市人民政府"
    assert office_settings(own, "淮安市清江浦区教育局").agency == "淮安市清江浦区教育局"


def test_the_cli_letters_name_the_review_body_the_offices_name_tells(tmp_path, monkeypatch, capsys):
    from docx import Document

    from gongkai.cli import main

    site = tmp_path / "register.yaml"
    site.write_text("agency: 淮安市洪泽区岔河镇人民政府\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_REGISTER_SETTINGS", str(site))
    db = ("--db", str(tmp_path / "r.db"))
    assert main(["register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
                 "--date", "2025-09-26", *db]) == 0
    out = tmp_path / "reply.docx"
    assert main(["register", "reply", "2025-000001", "--date", "2025-10-10", "--outcome", "予以公开", "--ground", "2",
                 "--letter", str(out), *db]) == 0
    assert capsys.readouterr().err == (
        "gongkai：文书中的行政复议机关按本机关的类型和所在区划确定为“淮安市洪泽区人民政府”（《中华人民共和国行政复议法》"
        f"第二十四条）；如不对，请在设置文件 {site} 中写明 review_body（行政复议机关）。\n")
    text = "".join(p.text for p in Document(str(out)).paragraphs)
    assert "六十日内向淮安市洪泽区人民政府申请行政复议" in text and "本级人民政府" not in text
