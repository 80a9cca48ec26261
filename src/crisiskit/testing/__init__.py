"""Test support for crisiskit and for the host applications that embed it.

:class:`ManualClock` (from :mod:`crisiskit.values.clock`, re-exported here) is a clock that
only moves when told to, for tests, simulations and drills. Hypothesis strategies for every entity live in :mod:`crisiskit.testing.strategies`
(it needs the ``test`` extra: ``pip install 'crisiskit[test]'``).
"""

from __future__ import annotations

from crisiskit.values.clock import ManualClock

__all__ = ["ManualClock"]
