"""Labelled enums a host adds members to: its own roles, crisis types, channels, audiences.

:class:`OpenLabelledEnum` is a :class:`~crisiskit.values.labels.LabelledEnum` whose built-in
members crisiskit declares and to which a host application adds its own at start-up, each
with an English and a Chinese label (``Role.register("finance", ...)``). A registered member
is a member like the others: an instance of the enum (so of ``str`` and of ``Enum``), read
by ``Role("finance")``, ``Role["FINANCE"]`` and ``Role.parse("财务部门")``, listed by
``for role in Role`` after the built-in ones, compared by identity, pickled and serialised
by its code.

How it works: Python's enums cannot gain members, but an enum may answer a value it does
not hold through ``_missing_`` (as ``Flag`` does for its combinations), and its metaclass may
be subclassed. A registered member is made like a built-in one (a ``str`` of its code with
the enum's ``_name_`` and ``_value_``), kept in the enum's registry and returned by
``_missing_``; the metaclass adds the registered members to iteration, ``len()``, ``in``,
``[name]`` and ``__members__``. Python's own member tables are never touched.

A registered member is not a class attribute: ``Role.FINANCE`` is refused with a message.
A type checker cannot know an attribute that appears only when the host's code has run,
and module-level code reading it would depend on import order; keep the member that
``register`` returns (``FINANCE = Role.register(...)`` in the host's own module).

Registration is thread-safe, and registering the same definition again returns the same
member, so module reloads and several workers are safe. Readers never lock: the registry
is replaced as a whole, never changed in place.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Hashable, Mapping
from enum import Enum, EnumType
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Self, cast

from crisiskit.errors import UnknownValueError, VocabularyError
from crisiskit.messages import Message, _
from crisiskit.values.labels import LabelledEnum, _key, normalize_lang

__all__ = ["MAX_CODE_LENGTH", "MAX_LABEL_LENGTH", "OpenEnumType", "OpenLabelledEnum"]

MAX_CODE_LENGTH = 40
"""The longest code a host may register."""

MAX_LABEL_LENGTH = 200
"""The longest label (or duty) a host may register."""

_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")

# One lock for every open enum: registering is rare (start-up), reading never takes it.
_LOCK = threading.RLock()


class _Registry(NamedTuple):
    """Everything an open enum knows of its members; replaced as a whole, never changed."""

    labels: Mapping[Any, tuple[str, str]]
    """Every member (built-in and registered) -> (English, Chinese)."""
    lookup: Mapping[str, Any]
    """Every spelling's lookup key -> its member (what ``parse`` reads)."""
    details: Mapping[Any, tuple[Hashable, ...]]
    """Every member -> what its kind adds to the labels (a role's duties, a channel's group)."""
    registered: Mapping[str, Any]
    """The registered members by code, in the order they were registered."""


def _set_registry(cls: type[Any], registry: _Registry) -> None:
    type.__setattr__(cls, "_open_registry", registry)


def _registry(cls: type[Any]) -> _Registry:
    found = vars(cls).get("_open_registry")
    if found is None:  # the base class, or a subclass before its labels are declared
        return _EMPTY
    return cast(_Registry, found)


_EMPTY = _Registry({}, {}, {}, {})


class OpenEnumType(EnumType):
    """The metaclass of :class:`OpenLabelledEnum`: the registered members count as members.

    Iteration lists the built-in members in declaration order, then the registered ones in
    the order they were registered; ``len()``, ``in``, ``Enum[name]`` and ``__members__``
    see them too.
    """

    # Type checkers read Enum's own signatures (``for r in Role`` gives Roles); at run time
    # these add the registered members. A type checker should not think that any attribute
    # may exist either, so ``__getattr__`` is hidden from it too.
    if not TYPE_CHECKING:

        def __iter__(cls):
            return iter((*EnumType.__iter__(cls), *_registry(cls).registered.values()))

        def __reversed__(cls):
            return reversed((*EnumType.__iter__(cls), *_registry(cls).registered.values()))

        def __len__(cls):
            return EnumType.__len__(cls) + len(_registry(cls).registered)

        def __contains__(cls, value):
            registered = _registry(cls).registered
            if isinstance(value, Enum):
                return value is registered.get(value._value_) or EnumType.__contains__(cls, value)
            # Python 3.11 refuses anything but a member here (a TypeError, as for any enum);
            # later versions read a code.
            return EnumType.__contains__(cls, value) or (
                isinstance(value, str) and value in registered
            )

        def __getitem__(cls, name):
            try:
                return EnumType.__getitem__(cls, name)
            except KeyError:
                registered = _registry(cls).registered
                found = registered.get(name.lower()) if isinstance(name, str) else None
                if found is None or found._name_ != name:
                    raise
                return found

        @property
        def __members__(cls):
            builtin = {m._name_: m for m in EnumType.__iter__(cls)}
            registered = {m._name_: m for m in _registry(cls).registered.values()}
            return MappingProxyType({**builtin, **registered})

        def __dir__(cls):
            names = [m._name_ for m in _registry(cls).registered.values()]
            return sorted({*EnumType.__dir__(cls), *names})

        def __getattr__(cls, name):
            if not name.startswith("_"):
                found = _registry(cls).registered.get(name.lower())
                if found is not None and found._name_ == name:
                    raise AttributeError(
                        _(
                            "{cls_name}.{name} is a registered member, not an attribute: use the "
                            "member {cls_name}.register() returned, {cls_name}({code}) or "
                            "{cls_name}[{key}]",
                            cls_name=cls.__name__,
                            name=name,
                            code=repr(found._value_),
                            key=repr(name),
                        )
                    )
            parent = getattr(EnumType, "__getattr__", None)  # Python 3.11's reads members
            if parent is not None:
                return parent(cls, name)
            raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")


class OpenLabelledEnum(LabelledEnum, metaclass=OpenEnumType):
    """A labelled enum to which a host application adds members of its own.

    Subclasses declare their built-in members as any enum does, then call
    :meth:`_declare` (instead of ``_register_labels``) with their labels and details, and
    offer a typed ``register`` classmethod that calls :meth:`_register`.
    """

    @classmethod
    def _declare(
        cls,
        labels: Mapping[Self, tuple[str, str]],
        details: Mapping[Self, tuple[Hashable, ...]] | None = None,
    ) -> None:
        """Give the built-in members their labels and details, and open the registry."""
        cls._register_labels(labels)
        found = dict(details or {})
        missing = [m.value for m in EnumType.__iter__(cls) if m not in found]
        if details is not None and missing:
            raise TypeError(f"{cls.__name__}: no details for {missing}")
        registry = _Registry(
            labels=dict(labels),
            lookup=dict(cls._lookup),  # type: ignore[attr-defined]
            details={m: found.get(m, ()) for m in EnumType.__iter__(cls)},
            registered={},
        )
        _set_registry(cls, registry)
        type.__setattr__(cls, "_open_declared", registry)  # what restore() goes back to

    # ---- reading

    @classmethod
    def _missing_(cls, value: object) -> Self:
        found = _registry(cls).registered.get(value) if isinstance(value, str) else None
        if found is None:
            raise UnknownValueError(
                _(
                    "{value!r} is not the code of a {cls_name}. Codes: {codes}. {register_hint}",
                    value=value,
                    cls_name=cls.__name__,
                    codes=tuple(repr(m.value) for m in cls),
                    register_hint=cls._register_hint(),
                )
            )
        return cast(Self, found)

    def label(self, lang: str = "en") -> str:
        """This member's label in ``lang`` (``"en"`` or ``"zh"``)."""
        en, zh = _registry(type(self)).labels[self]
        return en if normalize_lang(lang) == "en" else zh

    @classmethod
    def lookup(cls, value: object) -> Self | None:
        """The member ``value`` names (as :meth:`parse` reads it), or None when it names none."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str) or isinstance(value, Enum):
            return None  # a member of another enum is a mistake, even if its code matches
        return cast(Self | None, _registry(cls).lookup.get(_key(value)))

    @classmethod
    def _refusal(cls, value: object, what: str | None) -> Message:
        return _(
            "{refusal}. {hint}", refusal=super()._refusal(value, what), hint=cls._register_hint()
        )

    @classmethod
    def _register_hint(cls) -> Message:
        return _(
            "A host adds its own with {cls_name}.register(...) at start-up, before anything names them",
            cls_name=cls.__name__,
        )

    @classmethod
    def builtin_members(cls) -> tuple[Self, ...]:
        """The members crisiskit declares, in declaration order (never the registered ones)."""
        return tuple(EnumType.__iter__(cls))

    @classmethod
    def registered_members(cls) -> tuple[Self, ...]:
        """The members the host registered, in the order it registered them."""
        return tuple(_registry(cls).registered.values())

    @property
    def is_builtin(self) -> bool:
        """True for a member crisiskit declares; False for one a host registered."""
        return type(self)._value2member_map_.get(self._value_) is self

    def _details(self) -> tuple[Any, ...]:
        return _registry(type(self)).details[self]

    # ---- registering

    @classmethod
    def _register(cls, code: object, en: object, zh: object, *details: Hashable) -> Self:
        """Add the member ``code`` with its labels and details; the same again is a no-op.

        The body of a subclass's ``register``, which checks and names its details.

        Raises:
            VocabularyError: a bad code or label, a code or label another member has, or a
                different definition under a code already registered.
        """
        where = f"{cls.__name__}.register"
        code = _code(where, code)
        en = label_text(f"{where}(en)", en)
        zh = label_text(f"{where}(zh)", zh)
        with _LOCK:
            registry = _registry(cls)
            existing = registry.registered.get(code)
            if existing is not None:
                if registry.labels[existing] == (en, zh) and registry.details[existing] == details:
                    return cast(Self, existing)
                raise VocabularyError(
                    _(
                        "{where}({code!r}): {cls_name} {code!r} is already registered as {definition}, not {new_definition}; a code keeps its definition: register it again only as it is, or choose another code",
                        where=where,
                        code=code,
                        cls_name=cls.__name__,
                        definition=_definition(
                            registry.labels[existing], registry.details[existing]
                        ),
                        new_definition=_definition((en, zh), details),
                    )
                )
            builtin = cast(Self | None, cls._value2member_map_.get(code))
            if builtin is not None:
                raise VocabularyError(
                    _(
                        "{where}({code!r}): {code!r} is the code of the built-in {cls_name}.{member} ({label_en!r} / {label_zh!r}); use it, or register another code",
                        where=where,
                        code=code,
                        cls_name=cls.__name__,
                        member=builtin._name_,
                        label_en=builtin.label("en"),
                        label_zh=builtin.label("zh"),
                    )
                )
            name = code.upper()
            for what, spelling in (
                (_("code"), code),
                (_("English label"), en),
                (_("Chinese label"), zh),
            ):
                known = registry.lookup.get(_key(spelling))
                if known is not None:
                    raise VocabularyError(
                        _(
                            "{where}({code!r}): the {what} {spelling!r} already names {cls_name}.{member} ({label_en!r} / {label_zh!r}); every code and label names one member (case, width and spaces aside)",
                            where=where,
                            code=code,
                            what=what,
                            spelling=spelling,
                            cls_name=cls.__name__,
                            member=known._name_,
                            label_en=known.label("en"),
                            label_zh=known.label("zh"),
                        )
                    )
            member = str.__new__(cls, code)
            member._name_ = name
            member._value_ = code
            member._sort_order_ = len(cls)  # type: ignore[attr-defined]
            lookup = dict(registry.lookup)
            for spelling in (code, name, en, zh):
                lookup[_key(spelling)] = member
            registry = _Registry(
                labels={**registry.labels, member: (en, zh)},
                lookup=lookup,
                details={**registry.details, member: details},
                registered={**registry.registered, code: member},
            )
            _set_registry(cls, registry)
            return member


def open_enums() -> tuple[type[OpenLabelledEnum], ...]:
    """Every open enum crisiskit (or a host) has defined."""
    found: list[type[OpenLabelledEnum]] = []
    pending = [OpenLabelledEnum]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            pending.append(sub)
    return tuple(found)


def snapshot() -> dict[type[OpenLabelledEnum], object]:
    """What every open enum has registered now, for :func:`restore` (tests only)."""
    with _LOCK:
        return {cls: _registry(cls) for cls in open_enums()}


def restore(saved: Mapping[type[OpenLabelledEnum], object]) -> None:
    """Put every open enum back as :func:`snapshot` saw it (tests only).

    An open enum defined since has its built-in members only again.
    """
    with _LOCK:
        for cls in open_enums():
            registry = saved.get(cls, vars(cls).get("_open_declared"))
            if registry is not None:
                _set_registry(cls, cast(_Registry, registry))


def changed_since(saved: Mapping[type[OpenLabelledEnum], object]) -> list[str]:
    """The open enums whose registrations differ from ``saved`` (tests only)."""
    changed = []
    for cls in open_enums():
        now = _registry(cls)
        before = saved.get(cls)
        if now.registered if before is None else now is not before:
            changed.append(cls.__name__)
    return changed


def _code(where: str, code: object) -> str:
    if not isinstance(code, str) or not _CODE.fullmatch(code) or len(code) > MAX_CODE_LENGTH:
        raise VocabularyError(
            _(
                "{where}: {code!r} is not a valid code; a code is lower_snake_case ASCII — a lower-case letter, then lower-case letters, digits and single underscores — of at most {limit} characters, e.g. 'finance' or 'regulator_12315'",
                where=where,
                code=code,
                limit=MAX_CODE_LENGTH,
            )
        )
    return code


def label_text(where: str, value: object) -> str:
    """Check a label (or a duty) a host registers: one line of non-blank text, not too long."""
    if not isinstance(value, str) or not value.strip():
        raise VocabularyError(
            _(
                "{where} must be non-blank text; got {value!r} (every member has an English and a Chinese label)",
                where=where,
                value=value,
            )
        )
    if len(value) > MAX_LABEL_LENGTH:
        raise VocabularyError(
            _(
                "{where} must be at most {limit} characters; got {length}",
                where=where,
                limit=MAX_LABEL_LENGTH,
                length=len(value),
            )
        )
    if any(unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" for ch in value):
        raise VocabularyError(
            _(
                "{where} must be one line of text, without control characters; got {value!r}",
                where=where,
                value=value,
            )
        )
    return value


def _definition(labels: tuple[str, str], details: tuple[Hashable, ...]) -> str:
    parts = [repr(labels[0]), repr(labels[1])]
    parts.extend(repr(getattr(d, "value", d)) for d in details)
    return f"({', '.join(parts)})"
