"""``@record``: the data classes of the modules every command imports, made without ``dataclasses``.

``dataclasses.dataclass`` writes and compiles three to six methods for each class (``__init__``,
``__repr__``, ``__eq__``; a frozen class also ``__setattr__``, ``__delattr__`` and ``__hash__``)
and imports ``inspect`` (and with it ``ast``, ``dis`` and ``tokenize``).  For the ~50 classes
that ``gongkai parse one.txt`` defines (the model, the format, the document, the extractors)
that was about 2 million instructions a class, a quarter of the command's own start-up.
``record`` compiles only ``__init__`` (it is called for every cell and run of a report, so it
stays straight-line code), when the class is first instantiated, from a per-machine cache of the
compiled code (``code_cache``, a ``gongkai.shipped.CompiledCache`` read only when this user alone
can write it); equality, hashing, ``repr`` and the frozen guard are shared functions reading the
class's field names.

It takes the parts of ``dataclass`` that gongkai uses, with the same meaning: ``frozen``,
``slots``, ``eq``, ``repr``, defaults and ``field(default_factory=…, compare=…, repr=…)``, fields
inherited from a base record, ``__post_init__``, methods the class defines itself kept.
``fields(cls)`` lists a record's field names and ``replace(obj, **changes)`` copies one with
changes.  (Modules not on every command's path keep ``dataclasses``.)
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from types import CodeType
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")
_MISSING: Any = object()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


class Field:
    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True,
                 repr: bool = True) -> None:
        self.name = ""
        self.default, self.default_factory, self.compare, self.repr = default, default_factory, compare, repr


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING, compare: bool = True,
          repr: bool = True) -> Any:
    """A field with a default factory, or left out of equality or ``repr``."""
    return Field(default, default_factory, compare, repr)


def fields(cls_or_record: Any) -> tuple[str, ...]:
    """The field names of a record (class or instance), in order."""
    return cls_or_record.__record_fields__


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes`` (as ``dataclasses.replace``)."""
    values = {name: getattr(obj, name) for name in obj.__record_fields__}  # type: ignore[attr-defined]
    return type(obj)(**{**values, **changes})


# -- the shared methods ---------------------------------------------------------------------------

def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{self.__class__.__qualname__}({shown})"


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """The values of ``names`` as a tuple (compared and hashed as dataclass compares and hashes)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self.__record_compare__(self) == other.__record_compare__(other)


def _hash(self: Any) -> int:
    return hash(self.__record_compare__(self))


def _getstate(self: Any) -> list:  # a frozen slotted record pickles and copies by its fields
    return [getattr(self, name) for name in self.__record_fields__]


def _setstate(self: Any, state: list) -> None:
    for name, value in zip(self.__record_fields__, state, strict=True):
        object.__setattr__(self, name, value)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    if type(self) is self.__record_class__ or name in self.__record_fields__:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    super(self.__record_class__, self).__setattr__(name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    if type(self) is self.__record_class__ or name in self.__record_fields__:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
    super(self.__record_class__, self).__delattr__(name)


# -- the decorator ------------------------------------------------------------------------------------

@overload
def record(cls: type[T], /) -> type[T]: ...
@overload
def record(*, frozen: bool = False, slots: bool = False, eq: bool = True,
           repr: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def record(cls: Any = None, /, *, frozen: bool = False, slots: bool = False, eq: bool = True,
           repr: bool = True) -> Any:
    """Make ``cls`` a data class (``@record`` or ``@record(frozen=True, slots=True)``)."""
    def wrap(cls: type) -> type:
        return _make(cls, frozen, slots, eq, repr)

    return wrap if cls is None else wrap(cls)


def _own_fields(cls: type) -> list[Field]:
    out = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if text.startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(default=value)
        spec.name = name
        out.append(spec)
    return out


def _make(cls: type, frozen: bool, slots: bool, eq: bool, show: bool) -> type:
    specs: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        specs.update(getattr(base, "__record_specs__", {}))
    for spec in _own_fields(cls):
        specs[spec.name] = spec
    names = tuple(specs)
    defaulted = [s.default is not _MISSING or s.default_factory is not _MISSING for s in specs.values()]
    if any(later < earlier for earlier, later in zip(defaulted, defaulted[1:], strict=False)):
        raise TypeError(f"{cls.__qualname__}: a field without a default follows one with a default")
    own = cls.__dict__
    for spec in specs.values():  # as dataclass: a plain default stays a class attribute
        if spec.name in own and (slots or isinstance(own[spec.name], Field)):
            delattr(cls, spec.name)
            if not slots and spec.default is not _MISSING:
                setattr(cls, spec.name, spec.default)
    attributes: dict[str, Any] = {
        "__record_specs__": specs, "__record_fields__": names,
        "__record_compare__": staticmethod(_getter(tuple(n for n, s in specs.items() if s.compare))),
        "__record_repr__": tuple(n for n, s in specs.items() if s.repr),
        "__match_args__": names,
    }
    for key, value in attributes.items():
        setattr(cls, key, value)
    holder: list = [cls, frozen]
    if "__init__" not in own:
        cls.__init__ = _first_init(holder)  # type: ignore[misc]
    if show and "__repr__" not in own:
        cls.__repr__ = _repr  # type: ignore[assignment]
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if eq and "__eq__" not in own:
        cls.__eq__ = _eq  # type: ignore[assignment]
    if eq and not explicit_hash:
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
    if frozen:
        cls.__setattr__ = _frozen_setattr  # type: ignore[assignment]
        cls.__delattr__ = _frozen_delattr  # type: ignore[assignment]
    if frozen and slots:
        cls.__getstate__ = _getstate  # type: ignore[method-assign,assignment]
        cls.__setstate__ = _setstate  # type: ignore[attr-defined]
    if slots:
        cls = _slotted(cls, names)
    if frozen:
        cls.__record_class__ = cls  # type: ignore[attr-defined]
    holder[0] = cls
    return cls


def _first_init(holder: list) -> Callable[..., None]:
    """An ``__init__`` that writes the real one when the class is first instantiated (a third
    of the records a run defines are never made), puts it in its place and runs it."""
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        cls, frozen = holder
        init = _init(cls, cls.__record_specs__, frozen)
        cls.__init__ = init
        init(self, *args, **kwargs)

    return __init__


def _init(cls: type, specs: dict[str, Field], frozen: bool) -> Callable[..., None]:
    """``__init__``, written out: one assignment a field (a record is built for every cell)."""
    params, lines = [], []
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_setattr": object.__setattr__}
    for name, spec in specs.items():
        if spec.default is not _MISSING:
            scope[f"_d_{name}"] = spec.default
            params.append(f"{name}=_d_{name}")
            value = name
        elif spec.default_factory is not _MISSING:
            scope[f"_f_{name}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            value = f"_f_{name}() if {name} is _MISSING else {name}"
        else:
            params.append(name)
            value = name
        lines.append(f"    _setattr(self, {name!r}, {value})" if frozen else f"    self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(lines) or "    pass") + "\n"
    exec(_code(source, f"<record {cls.__module__}.{cls.__qualname__}>"), scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


# Compiled ``__init__`` code, kept per machine (``gongkai.shipped`` sets it when it is imported:
# this module imports nothing of gongkai's, for ``gongkai.settings`` is made of records).
code_cache: Any = None
_looking = False


def _code(source: str, filename: str) -> CodeType:
    """``compile(source)``, from the machine's cache when it holds it (the same text, the same
    Python: the same code)."""
    global _looking
    key, cache = (filename, source), None if _looking else code_cache
    if cache is not None:
        _looking = True  # finding the cache folder makes a record (the settings): compiled plainly
        try:
            found = cache.get(key)
        finally:
            _looking = False
        if isinstance(found, CodeType):
            return found
    code = compile(source, filename, "exec")
    if cache is not None:
        cache.put(key, code)
    return code


def _slotted(cls: type, names: tuple[str, ...]) -> type:
    """The class again, with ``__slots__`` for its own fields (as ``dataclass(slots=True)``)."""
    inherited = {s for base in cls.__mro__[1:-1] for s in getattr(base, "__slots__", ())}
    body = dict(cls.__dict__)
    body["__slots__"] = tuple(n for n in names if n not in inherited)
    for name in names:
        body.pop(name, None)
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    made = type(cls)(cls.__name__, cls.__bases__, body)
    made.__qualname__ = cls.__qualname__
    return made
