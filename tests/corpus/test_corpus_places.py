"""Agency names placed in the division hierarchy; user corrections survive re-ingest."""

from __future__ import annotations

import sqlite3

import pytest
from gk_corpus_helpers import SEEDS

from gongkai.cli import main
from gongkai.format.places import normalise, place


@pytest.mark.parametrize("agency, code, city, county, unit, level", [
    ("吴忠市红寺堡区红寺堡镇人民政府", "640303", "吴忠市", "红寺堡区", "红寺堡镇", "town"),
    ("沙坡头区柔远镇人民政府", "640502", "中卫市", "沙坡头区", "柔远镇", "town"),
    ("吴忠市利通区金积镇人民政府", "640302", "吴忠市", "利通区", "金积镇", "town"),
    ("同心县", "640324", "吴忠市", "同心县", None, "county"),
    ("吴忠市红寺堡区新庄集乡人民政府", "640303", "吴忠市", "红寺堡区", "新庄集乡", "town"),
    ("淮安市人民政府", "320800", "淮安市", None, None, "city"),
    ("淮安市洪泽区人民政府", "320813", "淮安市", "洪泽区", None, "county"),
    ("洪泽区人民政府", "320813", "淮安市", "洪泽区", None, "county"),
    ("淮安市洪泽区教育局", "320813", "淮安市", "洪泽区", "教育局", "department"),
    ("南京市鼓楼区人民政府", "320106", "南京市", "鼓楼区", None, "county"),
    # The crawler texts' bodies (examples/crawler-text): a zone named instead of its county.
    ("平潭综合实验区行政审批局", "350128", "福州市", "平潭县", "行政审批局", "department"),
    ("平潭综合实验区管委会办公室", "350128", "福州市", "平潭县", None, "county"),
])
def test_placement(agency, code, city, county, unit, level):
    p = place(agency)
    assert (p["code"], p["city"], p["county"], p["unit"], p["level"]) == (code, city, county, unit, level)
    assert p["note"] is None


def test_namesakes_are_not_guessed():
    p = place("鼓楼区人民政府")
    assert p["code"] is None
    assert "南京市鼓楼区（320106）" in p["note"] and "福州市鼓楼区（350102）" in p["note"]


def test_normalise_joins_spellings():
    assert normalise("吴忠市 红寺堡区　红寺堡镇人民政府 2021年政府信息公开工作年度报告") == "吴忠市红寺堡区红寺堡镇人民政府"
    assert normalise("ＡＢ市") == "AB市"


def test_correction_is_kept_across_reingest(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    seed = str(SEEDS[3])  # 同心县, placed automatically in 吴忠市
    assert main(["ingest", seed, "--db", db, "-q"]) == 0
    assert main(["place", "同心县", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "同心县：宁夏回族自治区 › 吴忠市 › 同心县  代码 640324  层级 县级  （按名称自动判断）"
    # A user moves the body to a town-level code (12 digits) with a unit name.
    assert main(["place", "同心县", "--code", "640324100000", "--unit", "豫海镇", "--db", db]) == 0
    assert "豫海镇  代码 640324100000  层级 乡镇  （人工更正）" in capsys.readouterr().out
    assert main(["ingest", seed, "--db", db, "-q", "--reparse"]) == 0
    capsys.readouterr()
    con = sqlite3.connect(db)
    rows = con.execute("SELECT code, unit, level, source FROM agencies").fetchall()
    con.close()
    assert rows == [("640324100000", "豫海镇", "town", "user")]


def test_a_body_the_corpus_lacks_and_no_place_name_says_how_to_give_its_code(tmp_path, capsys):
    """It printed "（语料库中尚无此机关，以下为自动判断）不存在的机关：…" run into the result, and
    told the user of gongkai place to "用 gongkai place 指定区划代码"."""
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(SEEDS[3]), "--db", db, "-q"]) == 0
    capsys.readouterr()
    assert main(["place", "某某局", "--db", db]) == 0
    assert capsys.readouterr().out == (
        "某某局：（未定位）  代码 —  层级 —  （按名称自动判断；语料库中尚无此机关）\n"
        "机关名称中没有找到行政区划名称。请加 --code 指定区划代码：gongkai place 某某局 --code 区划代码\n")


@pytest.mark.parametrize("code, message", [("12345", "6 位"), ("999999", "不在全国行政区划代码表中")])
def test_bad_correction_is_refused(tmp_path, capsys, code, message):
    assert main(["place", "同心县", "--code", code, "--db", str(tmp_path / "c.db")]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
