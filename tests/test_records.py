"""``gongkai.records.record`` makes the classes ``dataclasses.dataclass`` makes: the same
constructor, defaults, equality, hash, repr, frozen guard and slots."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from gongkai import records
from gongkai.model import CellInfo, Where


def _shape(decorate, field, **options):
    @decorate(**options)
    class Shape:
        """A record of every kind of field."""

        a: int
        b: str = "x"
        c: list = field(default_factory=list)
        d: dict = field(default_factory=dict, compare=False, repr=False)

        def double(self) -> int:
            return 2 * self.a

    return Shape


OPTIONS = [{}, {"frozen": True}, {"slots": True}, {"frozen": True, "slots": True}, {"repr": False}, {"eq": False}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_a_record_is_what_dataclass_makes(options):
    D, R = _shape(dataclasses.dataclass, dataclasses.field, **options), _shape(records.record, records.field, **options)
    for args in [(1,), (1, "y"), (1, "y", [2], {3: 4})]:
        d, r = D(*args), R(*args)
        assert repr(d) == repr(r) or not options.get("repr", True)
        assert (d.a, d.b, d.c, d.d, d.double()) == (r.a, r.b, r.c, r.d, r.double())
        assert (d == D(*args)) == (r == R(*args))
        assert (d == D(9)) == (r == R(9))
        assert (D.__hash__ is None) == (R.__hash__ is None)
        if D.__hash__ is not None and options.get("frozen"):
            assert hash(D(1, "y", (2,))) == hash(R(1, "y", (2,)))  # the same hash: sets iterate alike
    assert D(1, d={1: 2}) == D(1) and R(1, d={1: 2}) == R(1) or not options.get("eq", True)  # d is not compared
    assert R(1).c is not R(1).c  # a fresh list each
    assert hasattr(D(1), "__dict__") == hasattr(R(1), "__dict__")
    assert D.__match_args__ == R.__match_args__ == records.fields(R) == ("a", "b", "c", "d")
    assert ("b" in vars(D)) == ("b" in vars(R)) and ("c" in vars(D)) == ("c" in vars(R))
    assert records.replace(R(1, "y"), a=5) == R(5, "y") or not options.get("eq", True)
    if options.get("frozen"):
        with pytest.raises(AttributeError):
            R(1).a = 2
        with pytest.raises(records.FrozenInstanceError):
            del R(1).b
    with pytest.raises(TypeError):
        R()  # a is required
    with pytest.raises(TypeError):
        R(1, z=2)


def test_records_pickle_and_copy():
    where = Where(line=3, row=1, cell=2)
    info = CellInfo(raw="12", where=where)
    for obj in (where, info):
        assert pickle.loads(pickle.dumps(obj)) == obj == copy.deepcopy(obj) == copy.copy(obj)
    Frozen = records.record(frozen=True, slots=True)(type("Frozen", (), {"__annotations__": {"x": "int"}}))
    globals()["Frozen"] = Frozen  # pickle finds it by name
    Frozen.__module__ = __name__
    assert pickle.loads(pickle.dumps(Frozen(1))) == Frozen(1) == copy.deepcopy(Frozen(1))


def test_fields_are_inherited_and_a_required_field_cannot_follow_a_default():
    @records.record
    class Base:
        a: int
        b: int = 0

    @records.record
    class Child(Base):
        c: int = 1

    assert records.fields(Child) == ("a", "b", "c") and Child(5) == Child(5, 0, 1)
    with pytest.raises(TypeError):
        @records.record
        class Wrong:
            a: int = 0
            b: int


def test_init_code_comes_from_the_cache_only_when_this_user_alone_can_write_it(tmp_path, monkeypatch):
    from gongkai.shipped import CompiledCache

    monkeypatch.setenv("GONGKAI_CACHE", str(tmp_path))

    def run():  # a new process: a fresh cache object, a class made and instantiated
        cache = CompiledCache("records", "test", owner_only=True)
        monkeypatch.setattr(records, "code_cache", cache)
        made = records.record(type("Point", (), {"__annotations__": {"x": "int", "y": "int"}, "y": 0}))
        assert made(1).x == 1 and made(1, 2) == made(x=1, y=2) and repr(made(1)) == "Point(x=1, y=0)"
        compiled = dict(cache.new)
        cache.save()
        return compiled

    assert run()  # compiled, and kept
    (entry,) = tmp_path.glob("records.test.marshal")
    assert oct(entry.stat().st_mode & 0o777) == "0o600"
    assert run() == {}  # the code came from the cache
    entry.chmod(0o664)  # another user could have written it: not read, compiled afresh
    assert run()
