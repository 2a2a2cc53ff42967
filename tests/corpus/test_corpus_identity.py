"""One body is one body, however its name is printed: identity from the division code and the
body within it, used by ingest's cross-year pairing and by ``check --previous``."""

from __future__ import annotations

import sqlite3

import pytest

from gongkai.cli import main
from gongkai.extract.meta import as_body
from gongkai.format.places import identity, place, same_body
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("name,key", [
    ("洪泽区人民政府", "320813/"), ("淮安市洪泽区人民政府", "320813/"), ("江苏省淮安市洪泽区人民政府", "320813/"),
    ("同心县", "640324/"), ("同心县人民政府", "640324/"), ("淮安市人民政府", "320800/"),
    ("吴忠市红寺堡区红寺堡镇人民政府", "640303/红寺堡镇"), ("淮安市市场监督管理局", "320800/市场监督管理局"),
])
def test_identity_is_the_division_and_the_body(name, key):
    p = place(name)
    assert identity(p["code"], p["unit"], p["agency_key"]) == key


def test_same_body_and_other_bodies():
    assert same_body("洪泽区人民政府", "淮安市洪泽区人民政府") is True
    assert same_body("淮安市人民政府", "淮安市洪泽区人民政府") is False
    assert same_body("淮安市市场监督管理局", "淮安市人民政府") is False
    assert same_body(None, "淮安市人民政府") is None


@pytest.mark.parametrize("name,body", [("同心县", "同心县人民政府"), ("淮安市", "淮安市人民政府"),
                                       ("宁夏回族自治区", "宁夏回族自治区人民政府"), ("柔远镇", "柔远镇人民政府"),
                                       ("同心县人民政府", "同心县人民政府"), ("淮安市市场监督管理局", "淮安市市场监督管理局"),
                                       ("淮安经济技术开发区", "淮安经济技术开发区"), (None, None)])
def test_a_bare_division_name_is_its_government(name, body):
    assert as_body(name) == body


def test_ingest_of_the_examples_pairs_both_hongze_reports(tmp_path, capsys):
    db = tmp_path / "c.db"
    pdfs = [EXAMPLES / "hongze-district-2023.pdf", EXAMPLES / "hongze-district-2024.pdf"]
    assert main(["ingest", *map(str, pdfs), "--db", str(db), "--workers", "1", "-q"]) == 0
    assert "跨年检查：1 份报告与本机关上年报告作了比较" in capsys.readouterr().out
    con = sqlite3.connect(db)
    docs = dict(con.execute("SELECT year, id FROM documents").fetchall())
    assert con.execute("SELECT agency, previous_id FROM documents WHERE year = 2024").fetchone() == (
        "淮安市洪泽区人民政府", docs[2023])
    con.close()


def test_check_previous_of_another_body_says_so(capsys):
    this = str(EXAMPLES / "hongze-district-2024.pdf")
    main(["check", this, "--previous", str(EXAMPLES / "hongze-district-2023.pdf")])
    assert "不是同一机关" not in capsys.readouterr().err
    main(["check", this, "--previous", str(EXAMPLES / "huaian-city-2024.pdf")])
    last = str(EXAMPLES / "huaian-city-2024.pdf")
    assert (f"gongkai：{this}：上年报告（{last}）的机关是“淮安市人民政府”，本报告的机关是“淮安市洪泽区人民政府”，不是同一机关；"
            f"上年报告（{last}）的年度为 2024 年，不是 2023 年；未与它做跨年度比较（上年结转、现行有效件数、正文雷同）。"
            ) in capsys.readouterr().err.splitlines()
