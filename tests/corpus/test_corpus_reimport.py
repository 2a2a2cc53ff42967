"""A corpus's JSON Lines export taken back by ``gongkai ingest``: the same reports, every mark,
finding and fact of provenance, into a fresh corpus or one that holds others; twice changes
nothing; a bad line stores nothing and names the file and the line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import gongkai
from gongkai.cli import main
from gongkai.corpus import export
from gongkai.corpus.store import Store
from tests.conftest import EXAMPLES

PLACED = "平潭综合实验区国有资产管理局"


def _ingest(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["ingest", *map(str, args), "-q", "--workers", "1"])
    out, err = capsys.readouterr()
    return code, out, err


def _export(db, out: Path, to: str = "jsonl") -> Path:
    assert main(["export", "--db", str(db), "--to", to, "-o", str(out)]) == 0
    return out


def _documents(db) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT name, status FROM documents ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A corpus of the examples, a damaged PDF (a failure, numbered among the reports), last
    year's copy of a crawler text (cross-year findings with quotes), an OCR-read report JSON
    (confidence marks) and a user's placement; its JSON Lines export."""
    tmp = tmp_path_factory.mktemp("reimport")
    extra = tmp / "extra"
    extra.mkdir()
    (extra / "damaged.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    this = EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"
    (extra / "ptzhsyqhzs-2023.txt").write_text(this.read_text(encoding="utf-8").replace("2024", "2023"),
                                               encoding="utf-8")
    scanned = gongkai.parse(EXAMPLES / "002_baf857c2b18ba5b3.txt")
    for cell_id, confidence in (("table3.granted.total", 0.8731), ("table2.art20_1.rules.made", 0.9412)):
        scanned.cells[cell_id].confidence = confidence
    scanned.agency = "吴忠市利通区扫描镇人民政府"
    (extra / "scanned.json").write_text(json.dumps(scanned.to_dict(), ensure_ascii=False), encoding="utf-8")
    db = tmp / "source.db"
    assert main(["ingest", str(extra), str(EXAMPLES), "--db", str(db), "-q", "--workers", "1"]) == 1
    assert main(["place", PLACED, "--code", "350128", "--unit", "国资局", "--db", str(db)]) == 0
    with pytest.MonkeyPatch.context() as patch:  # written two reports at a time: the cross-year pairs straddle chunks
        patch.setattr(export, "JSONL_CHUNK", 2, raising=False)
        return db, _export(db, tmp / "source.jsonl")


def _written_whole(db) -> bytes:
    """The JSON Lines export as 0.9.4 wrote it, every report's facts held at once: the reference."""
    with Store(str(db)) as store:
        cross = store.cross_year_findings()
        meta = {r.id: r for r in store.reports()}
        more = store.provenance()
        lines = []
        for doc_id, text in store.report_jsons():
            d = json.loads(text)
            if doc_id in cross:
                d["findings"] = [export._cross_finding(f) for f in cross[doc_id]]
            r, (size, at, paths, note) = meta[doc_id], more[doc_id]
            previous = meta.get(r.previous_id)
            d["corpus"] = {
                "report_id": r.id, "sha256": r.sha256, "name": r.name, "path": r.path, "paths": paths, "size": size,
                "form": r.form, "ingested_at": at, "received_at": r.received_at,  # (0.9.5)
                "parser_version": r.parser_version, "checked": r.checked,
                "previous_report_id": r.previous_id, "previous_sha256": previous.sha256 if previous else None,
                "placement": {"region_code": r.code, "province": r.province, "city": r.city, "county": r.county,
                              "unit": r.unit, "level": r.level, "placement": r.placement, "note": note}}
            lines.append(json.dumps(d, ensure_ascii=False) + "\n")
    return "".join(lines).encode()


def test_the_export_is_written_a_few_reports_at_a_time_as_it_was_written_whole(exported, tmp_path, monkeypatch):
    # 100,000 reports took 551 MB when the whole corpus's facts were held while writing; now
    # every query names at most a chunk of reports, and the bytes are those of before.
    db, path = exported
    assert path.read_bytes() == _written_whole(db)
    monkeypatch.setattr(export, "JSONL_CHUNK", 3, raising=False)
    with Store(str(db)) as store:
        named: list[int] = []
        query = store.query

        def counted(sql, params=()):
            rows = query(sql, params)
            named.append(len({row[0] for row in rows}))
            return rows

        monkeypatch.setattr(store, "query", counted)
        assert export.export_jsonl(store, str(tmp_path / "again.jsonl")) == [(str(tmp_path / "again.jsonl"), 21)]
    assert (tmp_path / "again.jsonl").read_bytes() == path.read_bytes()
    assert max(named) == 3 and len(named) >= 7 * 5  # 21 reports, 3 at a time: 5–6 queries each


def test_the_export_holds_what_must_come_back(exported):
    # What the round trip below carries, present in the source (else it would prove nothing).
    db, path = exported
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert _documents(db)[0] == ("damaged.pdf", "failed")
    assert [d["corpus"]["report_id"] for d in lines] == list(range(2, 23))
    scanned = next(d for d in lines if d["agency"] == "吴忠市利通区扫描镇人民政府")
    assert {k: v["confidence"] for k, v in scanned["cells"].items() if "confidence" in v} == {
        "table3.granted.total": 0.8731, "table2.art20_1.rules.made": 0.9412}
    this_year = next(d for d in lines if d["corpus"]["name"] == "ptzhsyqhzs-2024.txt")
    last_year = next(d for d in lines if d["corpus"]["name"] == "ptzhsyqhzs-2023.txt")
    assert this_year["ambiguous"][0]["raw"] == "15621"
    assert this_year["corpus"]["previous_sha256"] == last_year["corpus"]["sha256"]
    cross = [(f["rule"], f["previous_report_id"]) for f in this_year["findings"] if "previous_report_id" in f]
    # Made with last year's report: the cross-year rules' and its LAST-YEAR, worded with what that
    # report's 第五部分 listed (a notice) — in the order of ``check --previous`` (by severity).
    assert cross == [("COPY", 2)] * 2 + [("TEXT-COPIED", 2)] * 7 + [("LAST-YEAR", 2)]
    assert last_year["corpus"]["report_id"] == 2
    assert all(f["quote"] for f in this_year["findings"] if f["rule"] in ("COPY", "TEXT-COPIED"))
    placed = next(d for d in lines if d["agency"] == PLACED)["corpus"]["placement"]
    assert (placed["region_code"], placed["unit"], placed["placement"]) == ("350128", "国资局", "user")


def test_a_fresh_corpus_gets_the_same_reports_and_taking_back_twice_adds_nothing(exported, tmp_path, capsys):
    db, path = exported
    fresh = tmp_path / "fresh.db"
    code, out, err = _ingest(capsys, path, "--db", fresh)
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [
        "新入库 21 份，更新 0 份，未变化跳过 0 份，失败 0 份。",
        "其中 21 份从语料库导出文件收回（原文件名、SHA-256、归属、单元格及其标记、检查发现均照原样，未重新读取）。"]
    # Byte for byte: the numbers too (kept: none was taken in the fresh corpus), provenance,
    # placements, cells and their marks, findings own and cross-year with their quotes.
    assert _export(fresh, tmp_path / "again.jsonl").read_bytes() == path.read_bytes()
    source_csv, fresh_csv = _export(db, tmp_path / "a", "csv"), _export(fresh, tmp_path / "b", "csv")
    for table in ("reports", "cells", "figures", "findings"):
        assert (fresh_csv / f"{table}.csv").read_bytes() == (source_csv / f"{table}.csv").read_bytes(), table
    with gongkai.Corpus(fresh) as corpus:
        assert corpus.store.placement(PLACED)["source"] == "user"
        assert corpus.failures() == []  # failures are the source's files; no report in the export
    # Again, into the same corpus and into the one that made it: nothing added, nothing changed.
    before = _documents(fresh)
    code, out, _ = _ingest(capsys, path, "--db", fresh)
    assert (code, out.splitlines()[0]) == (0, "新入库 0 份，更新 0 份，未变化跳过 21 份，失败 0 份。")
    assert _documents(fresh) == before
    code, out, _ = _ingest(capsys, path, "--db", db)
    assert (code, out.splitlines()[0]) == (0, "新入库 0 份，更新 0 份，未变化跳过 21 份，失败 0 份。")
    assert len(_documents(db)) == 22


def test_a_corpus_whose_numbers_are_taken_numbers_them_and_keeps_the_cross_year_pairs(exported, tmp_path, capsys):
    _, path = exported
    other = tmp_path / "other.db"
    first = tmp_path / "first.txt"  # a report the export does not hold
    first.write_text((EXAMPLES / "crawler-text" / "ptzhsyqgwh-2019.txt").read_text(encoding="utf-8") + "\n",
                     encoding="utf-8")
    assert _ingest(capsys, first, "--db", other)[0] == 0
    with gongkai.Corpus(other) as corpus:  # the Python API: what the web's upload is told
        summary = corpus.ingest([path], workers=1)
    assert (summary.added, summary.taken_back, summary.ids) == (21, 21, list(range(2, 23)))
    source = {d["corpus"]["sha256"]: d for d in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    taken = [json.loads(line) for line in _export(other, tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["corpus"]["report_id"] for d in taken] == list(range(1, 23))  # in the file's order after the first
    number = {d["corpus"]["sha256"]: d["corpus"]["report_id"] for d in taken}
    compared = 0
    for d in taken[1:]:
        s = source[d["corpus"]["sha256"]]
        for line in (d, s):
            line["corpus"].pop("report_id")
            previous = line["corpus"].pop("previous_report_id")
            for f in line["findings"]:
                if "previous_report_id" in f:
                    assert f.pop("previous_report_id") == previous
        if d["corpus"]["previous_sha256"] is not None:
            compared += 1
            assert previous == number[d["corpus"]["previous_sha256"]]
        assert d == s
    assert compared == 2  # 洪泽区 2024 and 行政审批局 2024


def test_a_bad_line_stores_nothing_and_names_the_file_and_the_line(exported, tmp_path, capsys):
    _, path = exported
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "1-truncated.jsonl").write_text("".join(lines[:5]) + lines[5][:17], encoding="utf-8")
    newer = str(int(gongkai.PARSER_VERSION) + 1)
    (bad / "2-newer.jsonl").write_text(lines[0] + lines[1].replace(f'"parser_version": "{gongkai.PARSER_VERSION}"',
                                                                   f'"parser_version": "{newer}"'), encoding="utf-8")
    (bad / "3-foreign.jsonl").write_text(lines[0] + '{"id": 7, "text": "另一个工具的记录"}\n', encoding="utf-8")
    (bad / "4-other-tool.jsonl").write_text('{"id": 7, "text": "另一个工具的记录"}\n{"id": 8}\n', encoding="utf-8")
    parsed = [json.loads(line) for line in lines[:2]]
    for d in parsed:
        del d["corpus"]
    (bad / "5-parsed.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in parsed),
                                        encoding="utf-8")
    placed = json.loads(lines[2])
    placed["corpus"]["placement"].update(region_code="999999", placement="user")
    (bad / "6-placed.jsonl").write_text(lines[0] + lines[1] + json.dumps(placed, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    db = tmp_path / "c.db"
    code, out, err = _ingest(capsys, bad, "--db", db)
    assert code == 1
    assert out.splitlines()[0] == "新入库 0 份，更新 0 份，未变化跳过 0 份，失败 6 份。（本次处理：json 2）"
    origin = json.loads(lines[1])["corpus"]["path"]
    assert err.splitlines() == [
        f"gongkai：{bad}/1-truncated.jsonl：第6行第12列：不是有效的 JSON：字符串没有结束的引号。",
        f"gongkai：{bad}/2-newer.jsonl：第2行：这份报告由第 {newer} 版解析器读出，比本程序的解析器（第 {gongkai.PARSER_VERSION} 版）新，"
        f"本程序可能读不全，不能收回。请用第 {newer} 版或更新的 gongkai 收回这个文件，或入库原文件（{origin}），由本版重新读取。",
        f"gongkai：{bad}/3-foreign.jsonl：第2行：不是语料库导出的报告（gongkai export --to jsonl 的每一行都带 corpus 对象）。"
        "gongkai ingest 收回的 JSON Lines 只能是语料库导出文件。",
        f"gongkai：{bad}/6-placed.jsonl：第3行：corpus.placement 中人工更正的区划代码“999999”不在全国行政区划代码表中。",  # the exports are taken back first
        f"gongkai：{bad}/4-other-tool.jsonl：第1行：不是 gongkai 报告 JSON（schema 应为 gongkai.report/1）。",
        f"gongkai：{bad}/5-parsed.jsonl：此文件含 2 份报告（JSON Lines），但不是语料库导出文件"
        "（gongkai export --to jsonl，每行带 corpus 对象），不能收回：请入库原文件。"]
    # The good lines before each bad one are not stored: only the six files, as failures.
    assert sorted(_documents(db)) == [(name, "failed") for name in sorted(p.name for p in bad.iterdir())]


def test_an_export_of_reports_read_by_an_older_parser_is_taken_back_as_read(exported, tmp_path, capsys):
    # A corpus upgraded in place keeps its reports as the older parser read them until their files
    # are ingested again (docs/upgrade.md); its export was refused ("不能原样收回"), so a corpus
    # moved after an upgrade could come back only through the older gongkai. Its reports now come
    # back with their version, and ingesting an original file later parses it again.
    _, path = exported
    older = str(int(gongkai.PARSER_VERSION) - 1)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert all(f'"parser_version": "{gongkai.PARSER_VERSION}"' in line for line in lines)
    old = tmp_path / "older.jsonl"
    old.write_text("".join(line.replace(f'"parser_version": "{gongkai.PARSER_VERSION}"', f'"parser_version": "{older}"')
                           for line in lines), encoding="utf-8")
    db = tmp_path / "moved.db"
    code, out, err = _ingest(capsys, old, "--db", db)
    assert (code, err, out.splitlines()[0]) == (0, "", "新入库 21 份，更新 0 份，未变化跳过 0 份，失败 0 份。")
    assert _export(db, tmp_path / "again.jsonl").read_bytes() == old.read_bytes()
    # Taken back again: held as it is; the current parser's export of the same reports replaces them.
    assert _ingest(capsys, old, "--db", db)[1].splitlines()[0] == "新入库 0 份，更新 0 份，未变化跳过 21 份，失败 0 份。"
    assert _ingest(capsys, path, "--db", db)[1].splitlines()[0] == "新入库 0 份，更新 21 份，未变化跳过 0 份，失败 0 份。"
    assert _ingest(capsys, old, "--db", db)[1].splitlines()[0] == "新入库 0 份，更新 0 份，未变化跳过 21 份，失败 0 份。"
    assert _export(db, tmp_path / "current.jsonl").read_bytes() == path.read_bytes()
    # An original file of a report held from the older parser is read again by this one.
    again = tmp_path / "moved2.db"
    assert _ingest(capsys, old, "--db", again)[0] == 0
    original = EXAMPLES / "003_366708d6a3d1c052.txt"
    code, out, _ = _ingest(capsys, original, "--db", again)
    assert (code, out.splitlines()[0]) == (0, "新入库 0 份，更新 1 份，未变化跳过 0 份，失败 0 份。（本次处理：txt 1）")
    con = sqlite3.connect(again)
    try:
        versions = dict(con.execute("SELECT name, parser_version FROM documents"))
    finally:
        con.close()
    assert versions["003_366708d6a3d1c052.txt"] == gongkai.PARSER_VERSION
    assert {v for name, v in versions.items() if name != "003_366708d6a3d1c052.txt"} == {older}


def test_a_crawled_pages_posting_time_and_link_are_kept_exported_and_taken_back(exported, tmp_path, capsys):
    """The crawler header's 发布时间 and 原文链接 were dropped: the corpus and its export had only
    `published` (the 落款, empty for this report).  Now the report JSON's source, the corpus's
    document_pages and the reports table's posted and source_url keep them, through a round trip."""
    import csv

    db, path = exported
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqhzs/zfxxgknb/202501/t20250124_96946.htm"
    line = next(json.loads(t) for t in path.read_text(encoding="utf-8").splitlines()
                if json.loads(t)["corpus"]["name"] == "ptzhsyqhzs-2024.txt")
    assert (line["published"], line["source"]["posted"], line["source"]["url"], line["source"]["issuer"]) == (
        None, "2025-01-24T15:17", url, "区行政审批局")
    fresh = tmp_path / "fresh.db"
    assert _ingest(capsys, path, "--db", fresh)[0] == 0
    for corpus_db in (db, fresh):
        rows = {r["name"]: r for r in csv.DictReader(
            (_export(corpus_db, tmp_path / corpus_db.stem, "csv") / "reports.csv").open(encoding="utf-8-sig"))}
        got = rows["ptzhsyqhzs-2024.txt"]
        assert (got["published"], got["posted"], got["source_url"]) == ("", "2025-01-24T15:17", url)
        assert (rows["ptzhsyqgyz-2023.txt"]["published"], rows["ptzhsyqgyz-2023.txt"]["posted"]) == (
            "2024-01-26", "2024-01-26T16:42")
        # a report that is no crawler text has neither
        assert {(r["posted"], r["source_url"]) for n, r in rows.items() if not n.startswith("ptzhsyq")} == {("", "")}
        with gongkai.Corpus(corpus_db) as corpus:
            kept = corpus.store.query("SELECT COUNT(*) FROM document_pages")[0][0]
        assert kept == 11  # the ten crawler texts and last year's copy


def test_an_export_written_without_the_jsonl_suffix_is_taken_back(exported, tmp_path, capsys):
    # gongkai export --to jsonl -o 导出 writes the file as named; gongkai ingest 导出 refused it:
    # "此文件含 21 份报告（JSON Lines），但不是语料库导出文件（…每行带 corpus 对象）" — though every line has one.
    _, path = exported
    plain = tmp_path / "导出"
    plain.write_bytes(path.read_bytes())
    fresh = tmp_path / "fresh.db"
    code, out, err = _ingest(capsys, plain, "--db", fresh)
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [
        "新入库 21 份，更新 0 份，未变化跳过 0 份，失败 0 份。",
        "其中 21 份从语料库导出文件收回（原文件名、SHA-256、归属、单元格及其标记、检查发现均照原样，未重新读取）。"]
    assert _export(fresh, tmp_path / "again.jsonl").read_bytes() == path.read_bytes()
    # A text that is no JSON, named without a suffix, is read as before (the first bytes tell).
    text = tmp_path / "抓取文本"
    text.write_bytes((EXAMPLES / "crawler-text" / "ptzhsyqnyn-2024.txt").read_bytes())
    code, out, _ = _ingest(capsys, text, "--db", tmp_path / "t.db")
    assert (code, out.splitlines()[0]) == (0, "新入库 1 份，更新 0 份，未变化跳过 0 份，失败 0 份。（本次处理：txt 1）")


@pytest.mark.parametrize("received_at, ingested_at, wrong", [
    ("x", None, "received_at"),
    ("", None, "received_at"),
    ("2024-05-01", None, "received_at"),  # a day, no offset: compared as text it came before any time
    ("2024-05-01T09:30:00", None, "received_at"),
    (20240501, None, "received_at"),
    (None, "昨天", "ingested_at"),
    ("9999", "9999", "received_at、ingested_at"),  # would have sorted after every real receipt
])
def test_a_receipt_that_is_not_a_time_with_its_offset_is_refused(exported, tmp_path, capsys,
                                                                  received_at, ingested_at, wrong):
    """The receipt chooses the report counted (the last received): a bad one was stored as a
    time and compared as text, so an original could count instead of its correction."""
    _, path = exported
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = json.loads(lines[1])
    line["corpus"].pop("received_at", None)
    line["corpus"].pop("ingested_at", None)
    line["corpus"].update({k: v for k, v in (("received_at", received_at), ("ingested_at", ingested_at))
                           if v is not None})
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    code, out, err = _ingest(capsys, bad, "--db", db)
    assert code == 1
    assert err.splitlines() == [f"gongkai：{bad}：第2行：corpus 对象缺少或写错了：{wrong}"
                                "（received_at、ingested_at 应为带时区的 ISO 8601 时间，如 2024-05-01T09:30:00+08:00）。"]
    assert _documents(db) == [("bad.jsonl", "failed")]


def test_a_receipt_with_its_offset_or_none_is_taken_back(exported, tmp_path, capsys):
    _, path = exported
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    timed, bare = json.loads(lines[1]), json.loads(lines[2])
    timed["corpus"].update(received_at="2024-05-01T09:30:00+08:00", ingested_at="2024-06-01T00:00:00Z")
    bare["corpus"]["received_at"] = "2024-05-01T02:00:00.5Z"   # 10:00:00.5 in office time
    bare["corpus"]["ingested_at"] = None
    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in (timed, bare)), encoding="utf-8")
    db = tmp_path / "c.db"
    code, out, err = _ingest(capsys, good, "--db", db)
    assert (code, err) == (0, "")
    con = sqlite3.connect(db)
    try:
        got = dict(con.execute("SELECT d.sha256, r.received_at FROM documents d"
                               " JOIN document_receipts r ON r.document_id = d.id"))
    finally:
        con.close()
    assert got[timed["corpus"]["sha256"]] == "2024-05-01T09:30:00+08:00"
    # another offset is kept in office time, as the corpus writes its times: they are compared as text,
    # and "2024-05-01T02:00:00.5Z" sorted before 09:30+08:00 though it is half an hour after it
    assert got[bare["corpus"]["sha256"]] == "2024-05-01T10:00:00.500000+08:00"
