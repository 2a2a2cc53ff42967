"""Whole-corpus answers kept while the corpus has not changed (``corpus/kept.py``, migration
7005): read back in one statement, equal to the computation, and never older than the corpus —
a report ingested or re-read, cross-year findings, a placement corrected change the next answer;
an answer computed while the corpus changed is not kept; two servers on one PostgreSQL share
what either kept; readers beside a running ingest always end on the corpus's own figures."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from gk_corpus_helpers import SEEDS, generate

from gongkai.corpus import kept, stats
from gongkai.corpus.ingest import ingest
from gongkai.corpus.stats import StatsTable, compute, computed
from gongkai.corpus.store import Store


def _shown(table: StatsTable) -> tuple:
    return (table.level, table.records(), list(table.rules.items()), list(table.rules_by_row.items()),
            table.duplicates, table.covered)


def _statements(store: Store) -> list[str]:
    """Every statement ``store`` sends from now on (SQLite and PostgreSQL alike)."""
    seen: list[str] = []
    send = store.execute

    def execute(sql, params=()):
        seen.append(sql)
        return send(sql, params)

    store.execute = execute  # type: ignore[method-assign]
    return seen


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("kept")
    generate(root / "gen", 8, seed=5)
    generate(root / "more", 3, seed=6)
    return root


def _corpus(files: Path, url: str) -> str:
    with Store(url) as store:
        assert ingest([str(files / "gen"), *map(str, SEEDS)], store, workers=1).added == 8 + len(SEEDS)
    return url


@pytest.fixture
def lite(files, tmp_path):
    return _corpus(files, str(tmp_path / "c.db"))


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_kept_answer_is_one_statement_and_the_computation_exactly(kind, files, tmp_path, request):
    url = _corpus(files, str(tmp_path / "c.db") if kind == "sqlite" else request.getfixturevalue("pg_url"))
    questions = [(level, "", "", "") for level in stats.LEVELS] + [("county", "64", "", ""), ("city", "", "民政", "")]
    with Store(url) as store:
        first = [_shown(compute(store, *q)) for q in questions]
        seen = _statements(store)
        again = [compute(store, *q) for q in questions]
        assert len(seen) == len(questions)  # one SELECT each: the kept answer at the present generation
        assert [_shown(t) for t in again] == first == [_shown(computed(store, *q)) for q in questions]
        # a count PostgreSQL sums as a Decimal is an int, as on SQLite (the API's JSON wrote "5"), kept or not
        assert {type(r.values["received"]).__name__ for t in again for r in t.rows} - {"NoneType"} == {"int"}
    # a second server on the same database reads what the first kept
    with Store(url) as other:
        seen = _statements(other)
        assert _shown(compute(other, "city")) == first[1] and len(seen) == 1


def test_every_change_of_the_corpus_changes_the_next_answer(files, lite, capsys):
    from gongkai.cli import main

    with Store(lite) as store:
        before = compute(store, "province")
        total = sum(r.values["reports"] for r in before.rows)
        generation = store.generation()
        # one more report ingested
        assert ingest([str(files / "more")], store, workers=1).added == 3
        after = compute(store, "province")
        assert sum(r.values["reports"] for r in after.rows) == total + 3
        assert _shown(after) == _shown(computed(store, "province"))
        assert store.generation() > generation
        # a report re-read (recover.refine, reimport): its received figure blank from now on
        chosen = next(r for r in store.reports() if (store.load_report(r.id).value("table3.new_received.total") or 0) > 0)
        report = store.load_report(chosen.id)
        report.set_value("table3.new_received.total", None)
        store.replace_report(chosen.id, report)
        replaced = compute(store, "province")
        assert _shown(replaced) != _shown(after) and _shown(replaced) == _shown(computed(store, "province"))
        # cross-year findings replaced
        generation = store.generation()
        store.save_cross_year(chosen.id, None, [])
        assert store.generation() == generation + 1
        assert _shown(compute(store, "province")) == _shown(computed(store, "province"))
        moved = next(r for r in store.reports() if r.code and not r.code.startswith("11"))
    # a placement corrected: the body's reports move to 北京市
    assert main(["place", moved.agency, "--code", "110101", "--db", lite]) == 0
    capsys.readouterr()
    with Store(lite) as store:
        table = compute(store, "province")
        assert _shown(table) == _shown(computed(store, "province")) and _shown(table) != _shown(replaced)
        assert moved.id in next(r for r in table.rows if r.code == "110000" and r.year == moved.year).ids


def test_an_answer_computed_while_the_corpus_changed_is_not_kept(files, lite, monkeypatch):
    calls: list[int] = []

    def changing(store, *args):
        if not calls:  # the first computation: an ingest stores a report meanwhile
            with Store(lite) as writer:
                ingest([str(files / "more")], writer, workers=1)
        calls.append(1)
        return computed(store, *args)

    monkeypatch.setattr(stats, "computed", changing)
    with Store(lite) as store:
        compute(store, "city")
        assert store.query("SELECT COUNT(*) FROM kept_answers") == [(0,)]
        table = compute(store, "city")  # computed again, and now kept
        assert len(calls) == 2 and store.query("SELECT COUNT(*) FROM kept_answers") == [(1,)]
        monkeypatch.undo()
        assert _shown(table) == _shown(computed(store, "city"))
        assert sum(r.values["reports"] for r in table.rows) == 8 + len(SEEDS) + 3


def test_a_refused_write_keeps_nothing_and_answers(lite, monkeypatch):
    import sqlite3

    with Store(lite) as store:
        send = store.execute

        def refusing(sql, params=()):
            if sql.startswith("INSERT INTO kept_answers"):
                raise sqlite3.OperationalError("attempt to write a readonly database")
            return send(sql, params)

        store.execute = refusing  # type: ignore[method-assign]
        table = compute(store, "city")
        store.execute = send  # type: ignore[method-assign]
        assert _shown(table) == _shown(computed(store, "city"))
        assert store.query("SELECT COUNT(*) FROM kept_answers") == [(0,)]


def test_at_most_the_kept_limit_of_answers(lite, monkeypatch):
    monkeypatch.setattr(kept, "MOST_KEPT", 3)
    with Store(lite) as store:
        for level in stats.LEVELS:
            compute(store, level)
        assert [k for (k,) in store.query("SELECT key FROM kept_answers ORDER BY made_at")] == [
            f'["{__import__("gongkai").__version__}", "stats", "{stats._shape()}", "{level}", "", "", ""]'
            for level in ("city", "county", "body")]
    assert "contradicted" in stats._shape().split(",")  # StatRow's field since 2353eec: a new field, a new key


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_readers_beside_an_ingest_end_on_the_corpus_s_own_figures(kind, files, tmp_path, request):
    # Four readers, each on its own connection (as the threads of a server, or two servers), ask
    # again and again while an ingest stores reports one by one; no reader fails, and once the
    # ingest has finished every reader's answer is the computation over the corpus as it now is.
    lite = _corpus(files, str(tmp_path / "c.db") if kind == "sqlite" else request.getfixturevalue("pg_url"))
    for i, source in enumerate(sorted((files / "more").iterdir())):
        shutil.copy(source, tmp_path / f"late{i}{source.suffix}")
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        try:
            with Store(lite) as store:
                for _ in range(40):
                    compute(store, "city")
                    if done.is_set():
                        break
        except Exception as exc:  # noqa: BLE001 - any failure of a reader, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    with Store(lite) as writer:
        for path in sorted(tmp_path.glob("late*")):
            ingest([str(path)], writer, workers=1)
    done.set()
    for t in threads:
        t.join(60)
    assert not errors
    with Store(lite) as store:
        want = _shown(computed(store, "city"))
        assert sum(r["reports"] for r in want[1]) == 8 + len(SEEDS) + 3
        for _ in range(2):
            with Store(lite) as reader_store:
                assert _shown(compute(reader_store, "city")) == want


def test_every_write_of_the_store_raises_the_generation():
    # A write transaction that does not raise the generation would let a kept answer outlive the
    # change: each of the store's methods that opens one ends it with _changed() (keep_answer,
    # which writes only kept answers, aside).
    import ast
    import inspect

    import gongkai.corpus.store as module

    tree = ast.parse(inspect.getsource(module))
    store = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Store")
    writers = {f.name: ast.unparse(f) for f in store.body if isinstance(f, ast.FunctionDef)
               and "self.transaction(" in ast.unparse(f) and f.name not in ("keep_answer", "migrate", "transaction")}
    assert sorted(writers) == ["correct_placement", "received_earlier", "record", "replace_report", "save", "save_cross_year"]
    assert [name for name, source in writers.items() if "self._changed()" not in source] == []


def test_an_answer_is_given_at_once_while_another_process_holds_the_write_lock(lite):
    # Keeping is a write: with another process's write transaction open it waited the store's 60 s
    # busy wait and then failed the request (DatabaseUnavailable); the answer is now given, unkept.
    import sqlite3
    import time

    other = sqlite3.connect(lite, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store(lite) as store:
            started = time.monotonic()
            table = compute(store, "county")
            assert time.monotonic() - started < 20
            assert store.query("SELECT COUNT(*) FROM kept_answers") == [(0,)]
            assert _shown(table) == _shown(computed(store, "county"))
            assert store.scalar("PRAGMA busy_timeout") == 60000  # (the store's own wait, back)
    finally:
        other.execute("ROLLBACK")
        other.close()
