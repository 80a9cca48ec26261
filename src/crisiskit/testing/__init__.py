"""Test support for crisiskit and for the host applications that embed it.

:class:`ManualClock` (from :mod:`crisiskit.values.clock`, re-exported here) is a clock that
only moves when told to, for tests, simulations and drills. :func:`vocabulary_scope` undoes,
when a block ends, the roles, crisis types, channels and audiences registered in it, so that
tests do not leak registrations into each other. Hypothesis strategies for every entity live
in :mod:`crisiskit.testing.strategies` (it needs the ``test`` extra:
``pip install 'crisiskit[test]'``).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator

from crisiskit.values import open_enum as _open_enum
from crisiskit.values.clock import ManualClock

__all__ = ["ManualClock", "SeededEntropy", "vocabulary_scope"]


class SeededEntropy:
    """A predictable source of salts, for tests and simulations: the same seed, the same bytes.

    A :class:`~crisiskit.crisis.Context` takes its salts for personal-data commitments from
    ``os.urandom``, so two runs of the same commands seal different hashes when a customer's
    name is involved. Give tests that compare runs ``Context(..., entropy=SeededEntropy(1))``.
    Never in production: predictable salts let anyone test guesses against a commitment.

    >>> a, b = SeededEntropy(7), SeededEntropy(7)
    >>> a(16) == b(16), len(a(4))
    (True, 4)
    """

    __slots__ = ("_counter", "_seed")

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._counter = 0

    def __call__(self, size: int) -> bytes:
        """The next ``size`` bytes of this seed's stream."""
        out = b""
        while len(out) < size:
            self._counter += 1
            out += hashlib.sha256(f"{self._seed}/{self._counter}".encode()).digest()
        return out[:size]


@contextlib.contextmanager
def vocabulary_scope() -> Iterator[None]:
    """Undo, when the block ends, every registration made in it (for tests).

    Roles, crisis types, channels and audiences registered inside the block (with
    ``Role.register(...)`` and the like) are unregistered when it ends, however it ends;
    those registered before it stay. A host registers once at start-up and never
    unregisters: this is for tests, which must not leak a registration into the next one.

    >>> from crisiskit import Audience
    >>> with vocabulary_scope():
    ...     shareholders = Audience.register("shareholders", en="shareholders", zh="股东")
    ...     Audience.parse("股东") is shareholders
    True
    >>> Audience.lookup("股东") is None
    True

    In pytest, a fixture gives each test that asks for it the member, and takes it away
    after::

        @pytest.fixture
        def finance():
            with vocabulary_scope():
                yield Role.register("finance", en="finance department", zh="财务部门",
                                    duties_en="funds the response", duties_zh="负责应急资金保障")

    Code that holds a member registered in the block keeps the object, but nothing finds it
    by its code or labels any more (and registering it again makes a new member). Do not
    use it while other threads register.
    """
    saved = _open_enum.snapshot()
    try:
        yield
    finally:
        _open_enum.restore(saved)
