"""Cross-year rules in the corpus: a body's report is checked against its report of the year
before once both are stored, whatever the order they arrive in, and never twice."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest
from gk_corpus_helpers import CARRY_OVER_FINDINGS as EXPECTED
from gk_corpus_helpers import TWO_YEARS_AGENCY, two_years

from gongkai.cli import main
from gongkai.model import Finding


def _cross_year(db):
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT f.rule, f.severity, f.cells, f.message, p.name FROM findings f"
                           " JOIN documents d ON d.id = f.document_id JOIN documents p ON p.id = f.previous_id"
                           " ORDER BY f.document_id, f.seq").fetchall()
        owners = con.execute("SELECT DISTINCT d.name FROM findings f JOIN documents d ON d.id = f.document_id"
                             " WHERE f.previous_id IS NOT NULL").fetchall()
        total = con.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
    finally:
        con.close()
    assert owners in ([], [("2020.html",)])
    return rows, total


def test_both_years_in_one_run(tmp_path, capsys):
    last, this = two_years(tmp_path / "in")
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(last), str(this), "--db", db, "-q", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "跨年检查：1 份报告与本机关上年报告作了比较" in out
    rows, total = _cross_year(db)
    assert rows == EXPECTED
    # Idempotent: running again, or parsing everything again, leaves exactly the same findings.
    assert main(["ingest", str(last), str(this), "--db", db, "-q", "--workers", "1"]) == 0
    assert "跨年检查" not in capsys.readouterr().out
    assert _cross_year(db) == (rows, total)
    assert main(["ingest", str(last), str(this), "--db", db, "-q", "--workers", "1", "--reparse"]) == 0
    assert _cross_year(db) == (rows, total)
    # The export names the last-year report each cross-year finding compared with.
    assert main(["export", "--db", db, "--to", "csv", "-o", str(tmp_path / "out")]) == 0
    exported, reports = (_csv(tmp_path / "out" / f"{name}.csv") for name in ("findings", "reports"))
    ids = {r["name"]: r["report_id"] for r in reports}
    cross = [(r["agency"], r["year"], r["rule"], r["cells"], r["message"], r["previous_report_id"])
             for r in exported if r["previous_report_id"]]
    assert cross == [(TWO_YEARS_AGENCY, "2020", rule, cells, message, ids["2019.txt"])
                     for rule, _, cells, message, _ in EXPECTED]
    assert len(exported) == total


def _csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_order_of_arrival_does_not_matter(tmp_path, capsys):
    last, this = two_years(tmp_path / "in")
    together = str(tmp_path / "together.db")
    assert main(["ingest", str(last), str(this), "--db", together, "-q", "--workers", "1"]) == 0
    expected = _cross_year(together)
    # This year first: nothing to compare with yet; the last-year report brings the findings.
    later = str(tmp_path / "later.db")
    assert main(["ingest", str(this), "--db", later, "-q", "--workers", "1"]) == 0
    assert _cross_year(later)[0] == []
    assert main(["ingest", str(last), "--db", later, "-q", "--workers", "1"]) == 0
    assert "跨年检查：1 份报告" in capsys.readouterr().out
    assert _cross_year(later) == expected
    # Last year first: the findings come with this year's report.
    earlier = str(tmp_path / "earlier.db")
    assert main(["ingest", str(last), "--db", earlier, "-q", "--workers", "1"]) == 0
    assert main(["ingest", str(this), "--db", earlier, "-q", "--workers", "1"]) == 0
    assert _cross_year(earlier) == expected


def test_an_older_corpus_gets_the_new_columns(tmp_path):
    """A corpus made before cross-year checks (no previous_id columns) opens and is brought up to date."""
    last, this = two_years(tmp_path / "in")
    db = str(tmp_path / "old.db")
    assert main(["ingest", str(last), str(this), "--db", db, "-q", "--workers", "1"]) == 0
    con = sqlite3.connect(db)
    con.execute("DELETE FROM findings WHERE previous_id IS NOT NULL")
    con.execute("ALTER TABLE findings DROP COLUMN previous_id")
    con.execute("ALTER TABLE documents DROP COLUMN previous_id")
    con.commit()
    con.close()
    assert main(["ingest", str(last), str(this), "--db", db, "-q", "--workers", "1"]) == 0
    assert _cross_year(db)[0] == EXPECTED


def test_last_years_items_cut_this_years_run_together_digits_in_the_corpus(tmp_path, capsys):
    # 行政审批局 2020 (2019 format) prints 行政许可 494246 (ten cuts); its 2019 report, 40 9 12: the
    # cross-year pass writes 上一年项目数量 49 (40 + 9) and keeps the three cuts that agree.
    from pathlib import Path

    text = (Path(__file__).parents[2] / "examples" / "crawler-text" / "ptzhsyqhzs-2020.txt").read_text(encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "2020.txt").write_text(text.replace("行政许可0494246", "行政许可494246"), encoding="utf-8")
    (src / "2019.txt").write_text(text.replace("行政许可0494246", "行政许可40 9 12").replace("2020", "2019"),
                                  encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(src), "--db", db, "-q", "--workers", "1"]) == 0
    capsys.readouterr()
    con = sqlite3.connect(db)
    try:
        cells = con.execute("SELECT c.cell_id, c.value, c.basis, c.candidates FROM cells c JOIN documents d"
                            " ON d.id = c.document_id WHERE d.name = '2020.txt'"
                            " AND c.cell_id LIKE 'table2.art20_5.licensing.%' ORDER BY c.cell_id").fetchall()
        rules = con.execute("SELECT f.rule FROM findings f JOIN documents d ON d.id = f.document_id"
                            " WHERE d.name = '2020.txt' AND f.rule IN ('CELL-AMBIGUOUS', 'ITEMS-CHAIN')").fetchall()
    finally:
        con.close()
    assert cells == [("table2.art20_5.licensing.change", None, None, "4;42;424"),
                     ("table2.art20_5.licensing.decisions", None, None, "246;46;6"),
                     ("table2.art20_5.licensing.prev_items", 49, "items-chain", None)]
    assert rules == [("CELL-AMBIGUOUS",)]


def test_a_pool_broken_in_the_cross_year_pass_leaves_the_pass_done_here(tmp_path, monkeypatch):
    """The workers compare what is due; a worker that dies there costs nothing: the ingest
    process compares what is still due itself."""
    import gk_corpus_helpers

    import gongkai.corpus.ingest as ingest_mod
    from gongkai.corpus.store import Store

    last, this = two_years(tmp_path / "in")
    db = str(tmp_path / "c.db")
    monkeypatch.setattr(ingest_mod, "cross_year", gk_corpus_helpers.die)
    with Store(db) as store:
        summary = ingest_mod.ingest([str(last), str(this)], store, workers=2)
    assert (summary.added, summary.crashes, summary.cross_year) == (2, 1, 1)
    assert _cross_year(db)[0] == EXPECTED


def test_findings_keep_their_quote_in_the_store_and_the_export(tmp_path):
    # COPY's copied passages and TEXT-COPIED's sentence are a finding's evidence; the store kept
    # no quote, so the cross-year ones (kept only there) lost it, and the export had none at all.
    import gongkai
    from tests.conftest import EXAMPLES

    this = EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"
    (tmp_path / "in").mkdir()
    last = tmp_path / "in" / "ptzhsyqhzs-2023.txt"
    last.write_text(this.read_text(encoding="utf-8").replace("2024", "2023"), encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(this), str(last), "--db", db, "-q", "--workers", "1"]) == 0
    assert main(["export", "--db", db, "--to", "csv", "-o", str(tmp_path / "out")]) == 0
    exported = _csv(tmp_path / "out" / "findings.csv")
    expected = gongkai.check(gongkai.parse(this), previous=gongkai.parse(last))
    quoted = [(f.rule, f.quote) for f in expected if f.quote]
    assert {rule for rule, _ in quoted} >= {"COPY", "TEXT-COPIED"}
    assert [(r["rule"], r["quote"]) for r in exported if r["year"] == "2024" and r["quote"]] == quoted
    corpus = gongkai.Corpus(db)
    [number] = [r.report_id for r in corpus.documents(year=2024)]
    assert [(f.rule, f.quote) for f in corpus.findings(number) if f.quote] == quoted
    # --to jsonl: every report whole, read back by gongkai.load_all as the same Report — cells
    # with raw, position, inferred; the open cuts of 15621; sections, figures, notes; findings
    # as the corpus holds them (with their quotes and, made with last year's, the last-year report's number)
    out = tmp_path / "corpus.jsonl"
    assert main(["export", "--db", db, "--to", "jsonl", "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    reloaded = gongkai.load_all(str(out))
    assert [d["corpus"]["report_id"] for d in lines] == [r.report_id for r in corpus.documents()]
    for d, report in zip(lines, reloaded, strict=True):
        stored = corpus.report(d["corpus"]["report_id"])
        held = list(corpus.findings(d["corpus"]["report_id"]))
        cross = [f for f in held if f.previous_report_id is not None]
        # The findings as the corpus holds them, in its order (that of ``check --previous``).
        assert report.findings == [
            Finding(f.rule, f.severity, f.message, f.cells.split(";") if f.cells else [], f.where, f.quote) for f in held]
        report.findings = stored.findings
        assert report.to_dict() == stored.to_dict()
        assert [f["previous_report_id"] for f in d["findings"] if "previous_report_id" in f] == [f.previous_report_id for f in cross]
    this_year = next(d for d in lines if d["year"] == 2024)
    last_year = next(d for d in lines if d["year"] == 2023)
    assert this_year["corpus"] == {
        "report_id": number, "sha256": this_year["source"]["sha256"], "name": "ptzhsyqhzs-2024.txt", "path": str(this),
        "paths": [str(this)], "size": this.stat().st_size, "form": "txt", "ingested_at": corpus.store.query(
            "SELECT ingested_at FROM documents WHERE id = ?", (number,))[0][0],
        "received_at": corpus.store.query("SELECT received_at FROM document_receipts WHERE document_id = ?",
                                          (number,))[0][0],
        "parser_version": gongkai.PARSER_VERSION, "checked": True,
        "previous_report_id": last_year["corpus"]["report_id"], "previous_sha256": last_year["corpus"]["sha256"],
        "placement": {"region_code": "350128", "province": "福建省", "city": "福州市", "county": "平潭县",
                      "unit": "行政审批局", "level": "department", "placement": "auto", "note": None}}
    assert reloaded[[d["year"] for d in lines].index(2024)].ambiguous[0].raw == "15621"


def _as_checked(findings):
    return [(f.rule, f.severity, f.message, ";".join(f.cells), f.where, f.quote) for f in findings]


def _held(corpus, number):
    return [((f.rule, f.severity, f.message, f.cells or "", f.where, f.quote), f.previous_report_id)
            for f in corpus.findings(number)]


@pytest.mark.parametrize("order", ["last year first", "this year first"])
def test_the_corpus_gives_the_findings_of_check_previous(tmp_path, capsys, order):
    # 洪泽区 2024's LAST-YEAR said only that last year's problems were not followed up; with its
    # 2023 report at hand `check --previous` quotes the problems 2023 listed. The corpus holds
    # both years but kept the wording without it (its cross-year pass added only the cross-year
    # rules), so the corpus and `check --previous` disagreed on the same report.
    import gongkai
    from tests.conftest import EXAMPLES

    last, this = EXAMPLES / "hongze-district-2023.pdf", EXAMPLES / "hongze-district-2024.pdf"
    expected = _as_checked(gongkai.check(gongkai.parse(this), previous=gongkai.parse(last)))
    alone = _as_checked(gongkai.check(gongkai.parse(this)))
    assert main(["check", str(this), "--previous", str(last), "--json"]) == 0  # no error: warnings and notices
    assert _as_checked(Finding.from_dict(f) for f in json.loads(capsys.readouterr().out)["findings"]) == expected
    assert [f for f in expected if f[0] == "LAST-YEAR"] == [(
        "LAST-YEAR", "notice", "第五部分没有提到上一年度报告所列问题的整改情况。2023 年度报告第五部分列有问题：“2023年，洪泽区政府信息公开工作"
        "取得一定的成效，但对照上级要求，仍存在一定差距。如依申请公开工作规范性还有待提高、政务公开内容的深度和广度还有待提升、"
        "政务公开队伍建设有待加强等”。条例第五十条要求报告“存在的主要问题及改进情况”，请写明这些问题改进得怎样，读者才能对照。",
        "", "第4页 第2行", None)]
    db = str(tmp_path / "c.db")
    runs = [[str(last)], [str(this)]] if order == "last year first" else [[str(this)], [str(last)]]
    for files in runs:
        assert main(["ingest", *files, "--db", db, "-q", "--workers", "1"]) == 0
    corpus = gongkai.Corpus(db)
    numbers = {r.year: r.report_id for r in corpus.documents()}
    # Exactly check --previous's findings, in its order; those not of the report alone were made
    # with (and name) the 2023 report; the 2023 report keeps its own.
    held = _held(corpus, numbers[2024])
    assert [f for f, _ in held] == expected
    assert [(f, p) for f, p in held if p is not None] == [(f, numbers[2023]) for f in expected if f not in alone]
    assert [f for f, p in held if p is None] == [f for f in expected if f in alone]
    assert _held(corpus, numbers[2023]) == [(f, None) for f in _as_checked(gongkai.check(gongkai.parse(last)))]
    # The report as the corpus gives it (Corpus.report, the web's report page and its API, the
    # compare commands) holds the same findings (it held those of the report alone).
    assert _as_checked(corpus.report(numbers[2024]).findings) == expected
    # A rerun and --reparse change nothing, and never add a finding twice.
    for more in ([], ["--reparse"]):
        assert main(["ingest", str(last), str(this), "--db", db, "-q", "--workers", "1", *more]) == 0
        assert _held(corpus, numbers[2024]) == held
    # The web's report page and the CLI's export say the same.
    assert main(["export", "--db", db, "--to", "csv", "-o", str(tmp_path / "out")]) == 0
    exported = [(r["rule"], r["severity"], r["message"], r["cells"], r["where"] or None, r["quote"] or None)
                for r in _csv(tmp_path / "out" / "findings.csv") if r["year"] == "2024"]
    assert exported == expected
    capsys.readouterr()


def test_a_report_gets_its_findings_alone_back_when_last_years_is_no_longer_readable(tmp_path):
    # Parsed again, last year's report drops the next year's cross-year results; the next year's
    # findings had been replaced whole (its LAST-YEAR worded with 2023's problems), so when last
    # year's file then failed to read, the next year was left without its LAST-YEAR at all.
    import gongkai
    from gongkai.corpus import crossyear
    from gongkai.corpus.store import Store
    from tests.conftest import EXAMPLES

    last, this = EXAMPLES / "hongze-district-2023.pdf", EXAMPLES / "hongze-district-2024.pdf"
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(last), str(this), "--db", db, "-q", "--workers", "1"]) == 0
    corpus = gongkai.Corpus(db)
    numbers = {r.year: r.report_id for r in corpus.documents()}
    sha = {r.year: r.sha256 for r in corpus.documents()}
    with Store(db) as store:
        store.save(sha256=sha[2023], name=last.name, path=str(last), size=None, parser_version=gongkai.PARSER_VERSION,
                   result={"form": "pdf", "reason": "读取失败"}, placement=None)
        assert crossyear.run(store) == 0
    assert _held(gongkai.Corpus(db), numbers[2024]) == [(f, None) for f in _as_checked(gongkai.check(gongkai.parse(this)))]
