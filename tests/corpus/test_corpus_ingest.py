"""Ingest into a real SQLite store: seeds, published PDFs, generated reports, ZIP archives,
bad files, content-hash idempotency and parser upgrades."""

from __future__ import annotations

import io
import json
import random
import shutil
import sqlite3
import zipfile
from decimal import Decimal

import pytest
from gk_corpus_helpers import PDFS, SEEDS, generate

import gongkai.corpus.ingest as ingest_mod
from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store


def _rows(db, sql, params=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_seeds_and_pdfs_are_ingested_and_a_second_run_redoes_nothing(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert len(SEEDS) == 5 and len(PDFS) == 3
    code = main(["ingest", *map(str, SEEDS), *map(str, PDFS), "--db", db, "--workers", "2", "-q"])
    out = capsys.readouterr()
    docs = _rows(db, "SELECT name, form, status, reason, agency, year, parser_version FROM documents ORDER BY name")
    assert len(docs) == 8
    by_name = {d[0]: d for d in docs}
    seeds = {p.name: by_name[p.name] for p in SEEDS}
    assert {d[1] for d in seeds.values()} == {"txt"}
    assert all(d[2] == "ok" for d in seeds.values())
    assert seeds["001_fb8decbe9b2e9cc0.txt"][4:6] == ("沙坡头区柔远镇人民政府", 2020)
    assert seeds["003_366708d6a3d1c052.txt"][4:6] == ("同心县人民政府", 2021)
    # The PDFs are read when the PDF reader can, else recorded as failures with a Chinese reason.
    for p in PDFS:
        name, form, status, reason, *_ = by_name[p.name]
        assert form == "pdf"
        assert status in ("ok", "failed")
        if status == "failed":
            assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason)
            assert p.name in out.err
    failed = sum(1 for d in docs if d[2] == "failed")
    assert code == (1 if failed else 0)
    assert f"新入库 {8 - failed} 份" in out.out
    # Cells and findings were stored with the report, once.
    assert _rows(db, "SELECT COUNT(*) FROM cells c JOIN documents d ON d.id = c.document_id"
                     " WHERE d.name = '001_fb8decbe9b2e9cc0.txt'")[0][0] == 198
    assert _rows(db, "SELECT COUNT(*) FROM documents WHERE status = 'ok' AND checked = 1")[0][0] == 8 - failed

    main(["ingest", *map(str, SEEDS), *map(str, PDFS), "--db", db, "-q"])
    out = capsys.readouterr().out
    assert "新入库 0 份，更新 0 份，未变化跳过 8 份，失败 0 份" in out
    assert _rows(db, "SELECT COUNT(*) FROM documents")[0][0] == 8
    assert _rows(db, "SELECT COUNT(*) FROM document_paths")[0][0] == 8


def test_generated_reports_are_stored_exactly(tmp_path):
    truth = generate(tmp_path / "in", 24, seed=3)
    with Store(str(tmp_path / "c.db")) as store:
        summary = ingest([str(tmp_path / "in")], store, workers=2)
        assert (summary.added, summary.updated, summary.unchanged, summary.failed) == (24, 0, 0, [])
        assert summary.by_form == {"txt": 12, "html": 12}
        for name, s in truth.items():
            doc_id, agency, year, fmt = store.query(
                "SELECT id, agency, year, format FROM documents WHERE name = ?", (name,))[0]
            assert (agency, year, fmt) == (s.agency, s.year, s.version)
            stored = {c: v for c, v in store.query("SELECT cell_id, value FROM cells WHERE document_id = ?",
                                                    (doc_id,))}
            assert set(stored) == set(s.cells)
            for cell_id, v in s.cells.items():
                assert Decimal(str(stored[cell_id])) == Decimal(str(v)), (name, cell_id)
            report = store.load_report(doc_id)
            assert report.value("table3.total.total") == s.cells["table3.total.total"]


def test_bad_files_are_listed_and_never_stop_the_batch(tmp_path, capsys):
    src = tmp_path / "in"
    generate(src, 4, seed=5)
    (src / "empty.txt").write_bytes(b"")
    (src / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (src / "prose.txt").write_text("今天天气很好，我们去公园散步。\n" * 5, encoding="utf-8")
    (src / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    db = str(tmp_path / "c.db")
    code = main(["ingest", str(src), str(tmp_path / "does-not-exist.txt"), "--db", db, "-q"])
    out = capsys.readouterr()
    assert code == 1
    assert "新入库 4 份" in out.out
    failed = dict(_rows(db, "SELECT name, reason FROM documents WHERE status = 'failed'"))
    assert set(failed) == {"empty.txt", "junk.txt", "prose.txt", "broken.zip"}
    assert "文件为空" in failed["empty.txt"]
    assert failed["broken.zip"] == "ZIP 压缩包已损坏或不完整，无法打开。请重新下载原文件。"  # was zipfile's English
    assert "不像是一份政府信息公开工作年度报告" in failed["prose.txt"]
    assert "does-not-exist.txt：文件不存在。" in out.err
    assert "Traceback" not in out.err
    main(["failures", "--db", db])
    listed = capsys.readouterr()
    assert listed.out.count("\n") == 4
    assert "共 4 个失败文件" in listed.err


def test_zip_members_are_read_in_memory_with_limits(tmp_path):
    src = tmp_path / "gen"
    truth = generate(src, 3, seed=9)
    names = sorted(truth)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2021/" + names[0], (src / names[0]).read_bytes())
        # A member written by Chinese Windows tools: GBK name bytes without the UTF-8 flag
        # (written under an ASCII name of the same length, then the bytes are swapped below).
        zf.writestr("XXXXXX.txt", (src / names[1]).read_bytes())
        zf.writestr("__MACOSX/._x.txt", b"resource fork")
        zf.writestr("notes.docx.tmp", b"ignored suffix")
        zf.writestr("bomb.txt", b"0" * (8 * 1024 * 1024))  # compresses ~1000x: refused unread
    gbk = "报告二.txt".encode("gbk")
    assert len(gbk) == len(b"XXXXXX.txt")
    archive = tmp_path / "batch.zip"
    archive.write_bytes(buf.getvalue().replace(b"XXXXXX.txt", gbk))
    shutil.rmtree(src)
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        summary = ingest([str(archive)], store, workers=1)
    assert summary.added == 2
    assert [p for p, _ in summary.failed] == [f"{archive}!bomb.txt"]
    assert "压缩炸弹" in summary.failed[0][1]
    paths = sorted(p for (p,) in _rows(db, "SELECT path FROM document_paths"))
    assert paths == sorted([f"{archive}!2021/{names[0]}", f"{archive}!报告二.txt", f"{archive}!bomb.txt"])
    agencies = {a for (a,) in _rows(db, "SELECT agency FROM documents WHERE status = 'ok'")}
    assert agencies == {truth[names[0]].agency, truth[names[1]].agency}
    assert not list(tmp_path.glob("*.txt"))  # nothing was extracted to disk


def test_same_content_twice_is_one_report_with_both_paths(tmp_path):
    truth = generate(tmp_path / "a", 2, seed=11)
    (tmp_path / "b").mkdir()
    first = sorted(truth)[0]
    shutil.copy(tmp_path / "a" / first, tmp_path / "b" / "copy.txt")
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        summary = ingest([str(tmp_path / "a"), str(tmp_path / "b")], store, workers=2)
    assert summary.added == 2
    assert _rows(db, "SELECT COUNT(*) FROM documents")[0][0] == 2
    paths = _rows(db, "SELECT p.path FROM document_paths p JOIN documents d ON d.id = p.document_id"
                      " WHERE d.name = ?", (first,))
    assert sorted(p for (p,) in paths) == sorted([str(tmp_path / "a" / first), str(tmp_path / "b" / "copy.txt")])


def test_content_met_twice_in_a_run_is_named_by_its_smallest_path_whichever_worker_stored_it_first(tmp_path):
    # Two workers met the same content at b/copy.txt and a/x.txt; which stores first depends on timing
    # (the test above failed when b's worker won: the document was named copy.txt).
    failed = {"form": "txt", "reason": "不是年度报告"}
    with Store(str(tmp_path / "c.db")) as store:
        for name, path in (("copy.txt", "/in/b/copy.txt"), ("x.txt", "/in/a/x.txt"), ("z.txt", "/in/c/z.txt")):
            store.record(sha256="ab" * 32, name=name, path=path, size=3, parser_version="1", result=failed,
                         placement=None, run="2026-12-03T18:00:00.000001+08:00")
    assert _rows(str(tmp_path / "c.db"), "SELECT name, path FROM documents") == [("x.txt", "/in/a/x.txt")]
    assert sorted(p for (p,) in _rows(str(tmp_path / "c.db"), "SELECT path FROM document_paths")) == [
        "/in/a/x.txt", "/in/b/copy.txt", "/in/c/z.txt"]


def test_parser_upgrade_redoes_what_was_parsed_by_the_old_version(tmp_path, monkeypatch):
    generate(tmp_path / "in", 6, seed=13)
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        assert ingest([str(tmp_path / "in")], store, workers=2).added == 6
        monkeypatch.setattr(ingest_mod, "PARSER_VERSION", "999")
        again = ingest([str(tmp_path / "in")], store, workers=2)
        assert (again.added, again.updated, again.unchanged) == (0, 6, 0)
        assert store.query("SELECT DISTINCT parser_version FROM documents") == [("999",)]
        third = ingest([str(tmp_path / "in")], store, workers=2)
        assert (third.updated, third.unchanged) == (0, 6)
        forced = ingest([str(tmp_path / "in")], store, workers=2, reparse=True)
        assert forced.updated == 6
    assert _rows(db, "SELECT COUNT(*) FROM documents")[0][0] == 6
    assert _rows(db, "SELECT COUNT(*) FROM cells")[0][0] == sum(
        len(json.loads(j)["cells"]) for (j,) in _rows(db, "SELECT report_json FROM documents"))


def test_database_that_cannot_be_opened_is_a_chinese_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["ingest", str(SEEDS[0]), "--db", str(blocker / "sub" / "c.db"), "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert "无法打开语料库数据库" in err and "Traceback" not in err


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_workers_must_be_positive(tmp_path, capsys, workers):
    assert main(["ingest", str(SEEDS[0]), "--db", str(tmp_path / "c.db"), "--workers", workers]) == 1
    assert "--jobs 至少为 1" in capsys.readouterr().err


def test_time_limit_per_file_is_a_listed_failure_and_retry_failed_redoes_it(tmp_path):
    generate(tmp_path / "in", 3, seed=17)
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        first = ingest([str(tmp_path / "in")], store, workers=2, timeout=0.0001)
        assert first.added == 0 and len(first.failed) == 3
        assert all("处理超过时限" in reason for _, reason in first.failed)
        again = ingest([str(tmp_path / "in")], store, workers=2)
        assert (again.unchanged, again.added, again.updated) == (3, 0, 0)
        retried = ingest([str(tmp_path / "in")], store, workers=2, retry_failed=True)
        assert (retried.updated, retried.failed) == (3, [])
        assert store.counts() == {"ok": 3}


def _ocr_slots() -> int:
    """In a pool worker: how many more recognitions may start now (the shared semaphore's value)."""
    from gongkai.read import ocr

    return ocr._slots.get_value()


def test_scanned_pages_at_once_are_bounded_by_memory_not_cores(monkeypatch):
    from gongkai.read import ocr

    assert [ocr.slots_for_memory(mb) for mb in (100, 1300, 6100)] == [1, 3, 15]
    monkeypatch.setattr(ingest_mod, "ocr_slots_for_memory", lambda: 1)  # memory for one page
    pool = ingest_mod._local_pool(2)
    try:
        assert [f.result(timeout=120) for f in [pool.submit(_ocr_slots) for _ in range(4)]] == [1] * 4
    finally:
        pool.shutdown()


def test_two_connections_opening_a_new_corpus_at_once_both_open(tmp_path, monkeypatch):
    """Each adds the columns added since the first migrations when it does not see them; the
    other may add them between its look and its ALTER (test_corpus_crash's watcher failed so)."""
    db = str(tmp_path / "c.db")
    Store(db).close()
    real = Store.query
    monkeypatch.setattr(Store, "query", lambda self, sql, params=(): [] if sql.startswith("PRAGMA") else
                        real(self, sql, params))  # as if it looked before the other added them
    with Store(db) as store:
        assert store.query("SELECT COUNT(*) FROM cells")[0][0] == 0


def test_a_fifo_among_the_files_is_listed_not_waited_on(tmp_path):
    """A named pipe is refused unread; it was then opened to hash it for the failure's record,
    which waits for a writer forever (the pool's watchdog took it for a stuck worker)."""
    import os

    generate(tmp_path / "in", 1, seed=21)
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    with Store(str(tmp_path / "c.db")) as store:
        summary = ingest([str(tmp_path / "in")], store, workers=1, timeout=2)
    assert (summary.added, summary.crashes) == (1, 0)
    assert summary.failed == [(str(tmp_path / "in" / "pipe.txt"),
                               "无法读取文件：这是一个命名管道（FIFO），不是普通文件，已拒绝读取。")]


def test_a_zip_whose_member_name_is_flagged_utf8_but_is_not_is_a_failure_not_a_crash(tmp_path):
    # GBK name bytes under the UTF-8 flag: zipfile raised UnicodeDecodeError while opening the
    # archive, and ingest (and the web's uploads) stopped with a traceback
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("乡镇/XXXXXX.txt", b"x")
    archive = tmp_path / "乱码.zip"
    archive.write_bytes(buf.getvalue().replace(b"XXXXXX", "报告二".encode("gbk")))
    with Store(str(tmp_path / "c.db")) as store:
        summary = ingest([str(archive)], store, workers=1)
    assert summary.failed == [(str(archive), "ZIP 压缩包中有文件名标为 UTF-8 编码而实际不是，无法打开。请用其他压缩软件重新压缩。")]


def test_a_zip_member_too_large_is_refused_naming_the_limit(tmp_path, monkeypatch):
    # It said 压缩包成员解压后 400 MB，超过上限。— without the limit it was over.
    import gongkai.corpus.sources

    monkeypatch.setattr(gongkai.corpus.sources, "MAX_MEMBER_BYTES", 1024 * 1024)
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("大.txt", random.Random(1).randbytes(2 * 1024 * 1024))   # incompressible: no bomb
    with Store(str(tmp_path / "c.db")) as store:
        summary = ingest([str(archive)], store, workers=1)
    assert summary.failed == [(f"{archive}!大.txt", "压缩包成员解压后 2 MB，超过单个文件的上限 1 MB，未读取。")]
