"""The log in the register's store: both on one database, migrations of each block applied
whatever the other has run, and the same log on PostgreSQL."""

from datetime import date

import pytest

from gongkai.db import Database
from gongkai.errors import GongkaiError
from gongkai.log.exchange import import_documents
from gongkai.log.store import DisclosureLog, ImportRejected, NewItem, Review
from gongkai.log.year import normative_rows, section1
from gongkai.register.settings import shipped_settings
from gongkai.register.store import Applicant, NewRequest, Register
from gongkai.register.table3 import compute


def register_versions(tmp_path) -> set[int]:
    """The register's own migrations, whatever they are today."""
    db = Database(str(tmp_path / "register-only.db"), ("gongkai.register",))
    versions = db.applied_versions()
    db.close()
    assert versions and max(versions) < 1000
    return versions


def signed(title, made, kind="other", **kw):
    return NewItem(title, kind, made, reviews=[Review("draft", "甲", made), Review("check", "乙", made),
                                               Review("sign", "丙", made)], **kw)


def test_log_and_register_share_one_database(db_url, cal, tmp_path):
    ours = register_versions(tmp_path)
    with DisclosureLog(db_url, calendar=cal, create=True) as log:
        log.add(signed("通知", date(2025, 3, 3)), "c")
        assert log.db.applied_versions() == ours | {5001, 5002, 5003, 5004, 5005, 5006, 5007, 6001, 6002}
    reg = Register(db_url, calendar=cal, settings=shipped_settings(), create=True)
    assert reg.db.schema_version() == max(ours) and reg.count() == 0   # the register's block is unchanged
    reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2025, 3, 4)), "c")
    reg.close()
    with DisclosureLog(db_url, calendar=cal, create=True) as log:
        assert log.count() == 1
        assert compute(log.db, 2025).table3["new_received"]["total"] == 1
        assert log.db.query("SELECT COUNT(*) FROM schema_version")[0][0] == len(ours) + 9   # 5001–5007, 6001, 6002


def _fake_package(root, name, files):
    pkg = root / name
    (pkg / "migrations").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    for fname, sql in files.items():
        (pkg / "migrations" / fname).write_text(sql, encoding="utf-8")


def test_a_lower_numbered_migration_added_later_is_still_applied(db_url, cal, tmp_path, monkeypatch):
    ours = register_versions(tmp_path)
    DisclosureLog(db_url, calendar=cal, create=True).close()          # the register's block and 5001 applied
    _fake_package(tmp_path, "later_component", {"0999_later.sql": "CREATE TABLE later_table (x INTEGER);"})
    monkeypatch.syspath_prepend(str(tmp_path))
    db = Database(db_url, ("gongkai.register", "gongkai.workdays", "gongkai.log", "later_component"))
    # Ordered by MAX(version) alone, 0999 < 5001 would have been skipped for ever.
    assert db.applied_versions() == ours | {999, 5001, 5002, 5003, 5004, 5005, 5006, 5007, 6001, 6002}
    assert db.query("SELECT COUNT(*) FROM later_table")[0][0] == 0
    db.close()


def test_newer_schema_is_refused_only_by_the_block_that_owns_it(db_url, cal, tmp_path):
    DisclosureLog(db_url, calendar=cal, create=True).close()
    db = Database(db_url, ("gongkai.register",))
    db.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (5999, 'future', 'now')")
    db.close()
    with pytest.raises(GongkaiError, match="结构版本（5999）比本程序新"):
        DisclosureLog(db_url, calendar=cal, create=True)
    with pytest.raises(GongkaiError, match="结构版本（5999）比本程序新"):   # one store: the register too
        Register(db_url, calendar=cal, settings=shipped_settings(), create=True)
    db = Database(db_url, ("gongkai.register",))   # a store of the register's block alone is not refused
    assert db.schema_version() == max(register_versions(tmp_path))
    db.close()


def test_two_components_claiming_one_number_is_an_error(db_url, tmp_path, monkeypatch):
    _fake_package(tmp_path, "clashing_component", {"5001_other.sql": "CREATE TABLE other (x INTEGER);"})
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(GongkaiError, match="迁移编号 5001 重复"):
        Database(db_url, ("gongkai.register", "gongkai.log", "clashing_component"))


def test_history_is_append_only_in_sqlite(log):
    ref = log.add(signed("通知", date(2025, 3, 3)), "c")
    log.publish(ref, "公开栏", "", date(2025, 3, 4), "c")
    for table in ("disclosure_publications", "disclosure_reviews"):
        with pytest.raises(Exception, match="append-only"):
            with log.db.transaction():
                log.db.execute(f"UPDATE {table} SET actor = 'x'")
    for change in ("existing = 1", "created_by = 'x'", "created_at = 'x'"):   # facts of the registration
        with pytest.raises(Exception, match="only gain an end"):
            with log.db.transaction():
                log.db.execute(f"UPDATE disclosure_items SET {change}")
    assert log.get(ref).publications[0].on == date(2025, 3, 4)


def test_the_log_on_postgresql(pg_url, cal, tmp_path):
    with DisclosureLog(pg_url, calendar=cal, create=True) as log:
        assert log.db.dialect == "postgresql" and log.db.applied_versions() == register_versions(tmp_path) | {5001, 5002, 5003, 5004, 5005, 5006, 5007, 6001, 6002}
        a = log.add(signed("办法", date(2024, 3, 1), "normative_docs", doc_no="某〔2024〕1号"), "c")
        b = log.add(signed("细则", date(2023, 3, 1), "normative_docs"), "c")
        assert a == "D2024-000001" and b == "D2023-000001"
        log.publish(a, "政府网站", "政策文件", date(2024, 3, 4), "c")
        log.end(b, "repealed", date(2024, 7, 1), "c")
        with pytest.raises(GongkaiError, match="不能再次登记"):
            log.end(b, "expired", date(2024, 8, 1), "c")
        with pytest.raises(Exception, match="append-only"):
            with log.db.transaction():
                log.db.execute("DELETE FROM disclosure_publications")
        with pytest.raises(Exception, match="only gain an end"):
            with log.db.transaction():
                log.db.execute("UPDATE disclosure_items SET made_on = '2020-01-01'")
        with pytest.raises(Exception, match="only gain an end"):
            with log.db.transaction():
                log.db.execute("UPDATE disclosure_items SET existing = 1")
        assert normative_rows(log, 2024)["art20_1.normative_docs"] == {"made": 1, "repealed": 1, "in_force": 1}
        assert section1(log, 2024).by_column == {("website", "政策文件"): 1}
        # corrections on PostgreSQL: the review voided is recorded again (no unique key), the title amended
        c = log.add(signed("规定", date(2024, 5, 6), "other"), "c")
        log.void(c, 4, "审签人登记错", "d")
        item = log.review(c, "sign", "赵六", date(2024, 5, 6), "d")
        assert item.reviews["sign"].person == "赵六" and len(item.recorded.reviews) == 4
        item = log.amend(c, 1, "标题", "某规定", "漏字", "d")
        assert (item.title, item.recorded.title, item.corrections[-1].old_value) == ("某规定", "规定", "规定")
        with pytest.raises(Exception, match="append-only"):
            with log.db.transaction():
                log.db.execute("UPDATE disclosure_corrections SET reason = 'x'")
        bad = tmp_path / "bad.csv"
        bad.write_text("标题,类别,形成日期,公开属性\n好,其他,2024-01-02,主动公开\n坏,其他,2024-01-32,主动公开\n",
                       encoding="utf-8")
        with pytest.raises(ImportRejected) as exc:
            import_documents(log, bad, "c")
        assert exc.value.problems == ["第3行：形成日期“2024-01-32”不是有效日期（请写成 2025-09-26 或 2025年9月26日）"]
        clash = tmp_path / "clash.csv"
        clash.write_text("标题,文号,类别,形成日期,公开属性\n好,,其他,2024-01-02,主动公开\n"
                         "同号,某〔2024〕1号,行政规范性文件,2024-01-03,主动公开\n", encoding="utf-8")
        with pytest.raises(ImportRejected) as exc:   # found only when writing: rolled back on PostgreSQL too
            import_documents(log, clash, "c")
        assert exc.value.problems == ["第3行：文号 某〔2024〕1号 已在台账中（编号 D2024-000001）"]
        assert log.count() == 3
        good = tmp_path / "good.csv"
        good.write_text("标题,类别,形成日期,公开属性\n好,其他,2024-01-02,主动公开\n又一,其他,2024-01-03,主动公开\n",
                        encoding="utf-8")
        assert len(import_documents(log, good, "c")) == 2
        assert log.count() == 5
    reg = Register(pg_url, calendar=cal, settings=shipped_settings(), create=True)
    assert reg.db.schema_version() == max(register_versions(tmp_path))
    reg.close()


def test_on_a_fixed_office_day_entries_are_stamped_on_that_day(db_url, cal):
    """The log given a fixed today (the web's, in a demonstration) stamps its entries on that day,
    not on the machine's date (the log's tests fix GONGKAI_TODAY at 2026-12-03: given a date,
    the log follows it)."""
    with DisclosureLog(db_url, calendar=cal, today=date(2026, 3, 10), create=True) as log:
        log.add(signed("通知", date(2026, 3, 9)), "c")
        item = log.items()[0]
    assert item.created_at[:10] == item.reviews["sign"].recorded_at[:10] == "2026-03-10"


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_items_are_numbered_per_year_made_and_never_renumbered(store, tmp_path, cal, request):
    """A 公开目录 numbers each year from 1: 2027's first item is D2027-000001, not D2027-000004 (the
    row id).  A year that already holds numbers (given, imported, or drawn by the old rule from the
    row id) goes on after its highest, and no item's number ever changes."""
    url = request.getfixturevalue("pg_url") if store == "postgresql" else str(tmp_path / "n.db")
    with DisclosureLog(url, calendar=cal, create=True, today=date(2027, 3, 1)) as log:
        refs = [log.add(NewItem(f"通知{i}", "other", made), "甲")
                for i, made in enumerate((date(2026, 5, 1), date(2026, 6, 1), date(2027, 1, 4), date(2019, 3, 1),
                                          date(2027, 1, 5)))]
        assert refs == ["D2026-000001", "D2026-000002", "D2027-000001", "D2019-000001", "D2027-000002"]
        # a year whose items were numbered before this rule (from the row id): 2025's first was 153
        old = log.add(NewItem("旧编号的通知", "other", date(2025, 12, 1), ref="D2025-000153"), "甲")
        assert log.add(NewItem("新通知", "other", date(2025, 12, 2)), "甲") == "D2025-000154"
        log.add(NewItem("导入的通知", "other", date(2026, 7, 1), ref="D2026-000003"), "甲")   # taken: skipped
        assert log.add(NewItem("再一个", "other", date(2026, 7, 2)), "甲") == "D2026-000004"
        assert log.get(old).title == "旧编号的通知"
        assert sorted(i.ref for i in log.items()) == sorted([*refs, old, "D2025-000154", "D2026-000003", "D2026-000004"])


@pytest.fixture
def shipped_as(monkeypatch):
    """Ship a changed vocabulary (a later gongkai's), the lookup caches emptied around it."""
    from gongkai.log import vocab as v

    caches = (v._with_site, v._load, v._terms_for, v._channels_for)

    def ship(change):
        real = v._shipped

        def changed():
            data = real()
            change(data["channels"])
            return data
        monkeypatch.setattr(v, "_shipped", changed)
        for c in caches:
            c.cache_clear()
    yield ship
    monkeypatch.undo()
    for c in caches:
        c.cache_clear()


def _adopted(db_url, cal):
    from gongkai.log.vocab import Words

    with DisclosureLog(db_url, calendar=cal, create=True) as log, log.db.transaction():
        assert log.adopt([Words("website", "政府网站", ("某别名",))], "张三") == 1


def test_a_channel_renamed_since_its_words_were_adopted_still_opens(db_url, cal, shipped_as):
    from gongkai.log.vocab import channel_id, channels

    _adopted(db_url, cal)
    shipped_as(lambda chans: chans["website"].update(label="政府网站平台"))
    with DisclosureLog(db_url, calendar=cal) as log:
        chan = channels()["website"]          # raised 本台账保存的公开渠道与本机的站点词表不一致 before
        assert chan.label == "政府网站平台"
        assert chan.aliases[-1] == "某别名"
        assert channel_id("某别名") == "website"
        assert log.words()[0].label == "政府网站"   # the row is kept as adopted


def test_a_held_name_another_channel_took_since_stays_that_channels(db_url, cal, shipped_as):
    from gongkai.log.vocab import channel_id, channels

    _adopted(db_url, cal)
    shipped_as(lambda chans: chans["bulletin"].update(aliases=[*chans["bulletin"]["aliases"], "某别名"]))
    with DisclosureLog(db_url, calendar=cal):
        assert "某别名" not in channels()["website"].aliases
        assert channel_id("某别名") == "bulletin"
