"""Which of a body's reports of a year counts survives maintenance: a re-read (``ingest
--reparse``, an upgrade's parser re-read) stores every report again under its own run's
``ingested_at``, which made an original and its same-date correction tie, so the content hash
chose — and could pick the original.  ``store.received`` orders by the time each content was
first received (``document_receipts``, migration 7007), which a re-read never rewrites and an
export carries back into another corpus."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

import gongkai
from gongkai.cli import main
from gongkai.corpus import crossyear
from gongkai.corpus.region import select
from gongkai.corpus.stats import compute
from gongkai.corpus.store import Store
from gongkai.db import describe
from gongkai.format.places import division
from tests.conftest import seed

TOWN = "吴忠市红寺堡区新庄集乡人民政府"  # seed 004's body, 2024, signed 2025年1月14日


def _write(folder: Path) -> tuple[Path, Path]:
    """The original and its correction, signed the same day; the correction's content hash is the
    lesser (blank lines added until it is), so a tie broken by the hash counts the original."""
    text = seed("004").read_text(encoding="utf-8")
    assert "2025年1月14日" in text
    original, correction = text, text + "\n"
    while hashlib.sha256(correction.encode()).hexdigest() > hashlib.sha256(original.encode()).hexdigest():
        correction += "\n"
    folder.mkdir()
    (folder / "原件.txt").write_text(original, encoding="utf-8")
    (folder / "更正.txt").write_text(correction, encoding="utf-8")
    # the body's next year, which the cross-year checks compare with the counted report
    (folder / "次年.txt").write_text(text.replace("2025年1月14日", "2026年1月14日").replace("2024", "2025"),
                                     encoding="utf-8")
    return folder / "原件.txt", folder / "更正.txt"


def _ingest(db: str, *paths, reparse: bool = False) -> None:
    assert main(["ingest", *map(str, paths), "--db", db, "-q", "--workers", "1",
                 *(["--reparse"] if reparse else [])]) == 0


def _counted(db: str) -> tuple[list[str], list[str], str, list[str]]:
    """What counts of the body's 2024 reports, by file name: the roll-up's part and its
    duplicates, the statistics' report and the one the next year was compared with."""
    with Store(db) as store:
        names = {r.id: r.name for r in store.reports()}
        chosen = select(store, division("640303"), 2024)
        table = compute(store, "county")
        [compared] = [r.previous_id for r in store.reports() if r.year == 2025]
        assert crossyear.due(store) == []
    return ([names[int(label.split()[0][1:])] for label, _ in chosen.parts],
            sorted(names[int(label.split()[0][1:])] for label in chosen.duplicates),
            names[compared], [names[i] for r in table.rows if r.year == 2024 for i in r.ids])


def _receipts(db: str) -> dict[str, tuple[str, str]]:
    with Store(db) as store:
        return {r.name: (r.received_at, r.ingested_at) for r in store.reports()}


@pytest.fixture(params=["sqlite", "postgresql"])
def corpus(request, tmp_path) -> tuple[str, Path]:
    """The original ingested, then (another run) its correction, then everything re-read."""
    db = str(tmp_path / "c.db") if request.param == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    original, correction = _write(tmp_path / "in")
    _ingest(db, original, tmp_path / "in" / "次年.txt")
    _ingest(db, correction)
    assert _counted(db) == (["更正.txt"], ["原件.txt"], "更正.txt", ["更正.txt"])
    with Store(db) as store:
        request.node.stash[FIRST] = {r.name: r.ingested_at for r in store.reports()}
    _ingest(db, tmp_path / "in", reparse=True)
    return db, tmp_path


FIRST = pytest.StashKey[dict]()


def test_a_reread_keeps_counting_the_correction(corpus, request):
    db, _ = corpus
    assert _counted(db) == (["更正.txt"], ["原件.txt"], "更正.txt", ["更正.txt"])
    again = _receipts(db)
    # every report was read again (one new ingested_at for all three: a tie), first received as before
    assert len({at for _, at in again.values()}) == 1
    assert {n: r for n, (r, _) in again.items()} == request.node.stash[FIRST]
    assert again["原件.txt"][0] < again["更正.txt"][0] < again["原件.txt"][1]


@pytest.mark.parametrize("into", ["sqlite", "postgresql"])
def test_an_export_taken_back_keeps_which_report_counts(corpus, into, request):
    db, tmp = corpus
    out = tmp / f"export-{into}.jsonl"
    assert main(["export", "--db", db, "--to", "jsonl", "-o", str(out)]) == 0
    lines = {json.loads(line)["corpus"]["name"]: json.loads(line)["corpus"] for line in out.read_text("utf-8").splitlines()}
    receipts = _receipts(db)
    assert {n: (c["received_at"], c["ingested_at"]) for n, c in lines.items()} == receipts
    fresh = str(tmp / f"back-{into}.db") if into == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    _ingest(fresh, out)
    assert _receipts(fresh) == receipts
    assert _counted(fresh) == (["更正.txt"], ["原件.txt"], "更正.txt", ["更正.txt"])


def test_an_export_made_before_the_receipts_were_kept_takes_its_ingested_at(corpus):
    """A line of an export of 0.9.4 (no received_at): first received when it was last read, all
    that such an export says."""
    db, tmp = corpus
    out = tmp / "export.jsonl"
    assert main(["export", "--db", db, "--to", "jsonl", "-o", str(out)]) == 0
    old = tmp / "export-094.jsonl"
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    for line in lines:
        del line["corpus"]["received_at"]
    old.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    fresh = str(tmp / "back.db")
    _ingest(fresh, old)
    assert {n: r for n, (r, _) in _receipts(fresh).items()} == {n: i for n, (_, i) in _receipts(db).items()}


@pytest.mark.parametrize("held", [False, True])
def test_an_export_taken_back_into_a_corpus_that_received_the_file_later_keeps_the_first_receipt(corpus, held):
    """The other corpus holds the content as an older parser read it (the export's line replaces
    it) or as this one did (``held``: the line's report is left as it is, its receipt is not)."""
    db, tmp = corpus
    out = tmp / "export.jsonl"
    assert main(["export", "--db", db, "--to", "jsonl", "-o", str(out)]) == 0
    other = str(tmp / "other.db")
    _ingest(other, tmp / "in" / "更正.txt")  # received here after the exporting corpus received it
    if not held:
        with Store(other) as store:
            store.execute("UPDATE documents SET parser_version = '8'")
    later = _receipts(other)["更正.txt"][0]
    with Store(other) as store:
        generation = store.generation()
    _ingest(other, out)
    assert _receipts(other)["更正.txt"][0] == _receipts(db)["更正.txt"][0] < later
    with Store(other) as store:  # what the corpus kept of its answers is not read as current
        assert store.generation() > generation
        before = store.generation()
    _ingest(other, out)  # again: nothing to change, nothing raised
    with Store(other) as store:
        assert store.generation() == before


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_upgrade_fills_the_receipts_from_what_the_corpus_holds(kind, tmp_path, request):
    """A corpus of 0.9.4 opened by 0.9.5: each report first received when it was last read (all
    0.9.4 kept).  Received in two runs and not re-read: the correction counts, and keeps counting
    through the re-reads after the upgrade.  Re-read before the upgrade: the two carry the re-read's
    time, the 落款 and the hash decide, as they did (docs/upgrade.md)."""
    db = str(tmp_path / "c.db") if kind == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    original, correction = _write(tmp_path / "in")
    _ingest(db, original, tmp_path / "in" / "次年.txt")
    _ingest(db, correction)

    def as_094() -> dict[str, str]:
        with Store(db) as store:
            times = {r.name: r.ingested_at for r in store.reports()}
            store.execute("DROP TABLE document_receipts")
            store.execute("DELETE FROM schema_version WHERE version = 7007")
        return times

    was = as_094()
    with Store(db) as store:
        assert store.applied_now == [7007]
    assert {n: r for n, (r, _) in _receipts(db).items()} == was
    _ingest(db, tmp_path / "in", reparse=True)
    assert _counted(db) == (["更正.txt"], ["原件.txt"], "更正.txt", ["更正.txt"])
    was = as_094()  # now as a corpus re-read by 0.9.4: one time for all
    assert len(set(was.values())) == 1
    with Store(db) as store:
        assert store.applied_now == [7007]
    assert {n: r for n, (r, _) in _receipts(db).items()} == was
    with Store(db) as store:  # the greater hash: the fill cannot know which came first
        names = {r.id: r.name for r in store.reports()}
        assert [names[int(label.split()[0][1:])] for label, _ in select(store, division("640303"), 2024).parts] == [
            "原件.txt"]


def _reports_csv(db: str, out: Path) -> list[dict[str, str]]:
    assert main(["export", "--db", db, "--to", "csv", "-o", str(out)]) == 0
    with (out / "reports.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_every_table_of_the_reports_says_when_each_was_first_received(corpus):
    """The export's reports table (CSV, Parquet, XLSX), ``Corpus.table`` and ``Corpus.documents``
    end with ``received_at``: which of a body's reports of a year counts follows it, and after the
    re-read it is no longer ``ingested_at``.  Last, so the other columns stand where they did."""
    db, tmp = corpus
    receipts = {n: r for n, (r, _) in _receipts(db).items()}
    assert len(receipts) == 3 and all(r != i for r, i in _receipts(db).values())
    rows = _reports_csv(db, tmp / "csv")
    assert list(rows[0])[-1] == "received_at" and list(rows[0])[:2] == ["report_id", "sha256"]
    assert list(rows[0])[-2] == "table4.litigation_after_review.total"  # the cells before it, as in 0.9.4
    assert {r["name"]: r["received_at"] for r in rows} == receipts
    assert main(["export", "--db", db, "--to", "parquet", "-o", str(tmp / "pq")]) == 0
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM '{tmp}/pq/reports.parquet'").fetchall()
    assert described[-1][:2] == ("received_at", "VARCHAR")
    assert dict(con.execute(f"SELECT name, received_at FROM '{tmp}/pq/reports.parquet'").fetchall()) == receipts
    assert main(["export", "--db", db, "--to", "xlsx", "-o", str(tmp / "c.xlsx")]) == 0
    sheet = load_workbook(tmp / "c.xlsx", read_only=True)["报告"]
    header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[-1] == "received_at"
    assert {v[header.index("name")]: v[-1] for v in values} == receipts
    with gongkai.Corpus(db) as c:
        assert {r.name: r.received_at for r in c.documents()} == receipts
        assert c.documents()[0]._fields[-1] == "received_at"
        assert {r["name"]: r["received_at"] for r in c.table("reports")} == receipts
        assert list(c.table("reports")[0])[-1] == "received_at"


@pytest.mark.parametrize("made_by", ["0.9.5", "0.9.4"])
def test_a_table_of_a_corpus_that_took_an_export_back_says_the_same(corpus, made_by):
    """Taken back, a 0.9.5 export gives the same reports table to the byte; one of 0.9.4 (no
    received_at) the same but for received_at, which is the line's ingested_at."""
    db, tmp = corpus
    out = tmp / "export.jsonl"
    assert main(["export", "--db", db, "--to", "jsonl", "-o", str(out)]) == 0
    if made_by == "0.9.4":
        lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        for line in lines:
            del line["corpus"]["received_at"]
        out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    fresh = str(tmp / "back.db")
    _ingest(fresh, out)
    source, back = _reports_csv(db, tmp / "a"), _reports_csv(fresh, tmp / "b")
    if made_by == "0.9.5":
        assert (tmp / "b" / "reports.csv").read_bytes() == (tmp / "a" / "reports.csv").read_bytes()
    else:
        ingested = {n: i for n, (_, i) in _receipts(db).items()}
        assert [{**r, "received_at": ingested[r["name"]]} for r in source] == back
    assert {r["name"]: r["received_at"] for r in back} == {n: r for n, (r, _) in _receipts(fresh).items()}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_corpus_command_that_upgrades_the_corpus_says_so_and_what_an_older_parser_read(kind, tmp_path, request, capsys):
    """``gongkai stats`` on a 0.9.4 corpus (its reports read by parser 9) upgraded it without a word —
    from then on 0.9.4 cannot open it — and nothing said that its reports keep parser 9's cells
    and findings until their files are ingested again.  ``gongkai serve`` said the first; now every
    corpus command says both, once: when it upgrades."""
    db = str(tmp_path / "c.db") if kind == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    original, _ = _write(tmp_path / "in")
    _ingest(db, original, tmp_path / "in" / "次年.txt")
    _ingest(db, tmp_path / "in" / "更正.txt")
    with Store(db) as store:
        store.execute("DROP TABLE document_receipts")
        store.execute("DELETE FROM schema_version WHERE version = 7007")
        store.execute("UPDATE documents SET parser_version = '9' WHERE name <> '更正.txt'")
    capsys.readouterr()
    assert main(["stats", "--db", db, "--level", "county"]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith("gongkai：")]
    assert said == [f"gongkai：已升级语料库数据库 {describe(db)} 的结构（迁移 7007）。",
                    "gongkai：语料库中有 2 份报告是较早的解析器读出的（第 9 版 2 份），其单元格和检查结果仍是旧版的；"
                    f"对它们的原文件再运行一次 gongkai ingest，即按本版（第 {gongkai.PARSER_VERSION} 版）重新读取和检查，"
                    "编号和收到时间不变（docs/upgrade.md）。"]
    assert main(["stats", "--db", db, "--level", "county"]) == 0  # upgraded: nothing more to say
    assert [line for line in capsys.readouterr().err.splitlines() if line.startswith("gongkai：")] == []
