"""Deprecated: moved to :mod:`crisiskit.grading.models.fuzzy`; this path is removed in crisiskit 0.3."""

import warnings
from typing import Any

from crisiskit.grading.models import fuzzy as _moved
from crisiskit.grading.models.fuzzy import *  # noqa: F403

__all__ = _moved.__all__

warnings.warn(
    "crisiskit.grading.fuzzy has moved to crisiskit.grading.models.fuzzy; import it from there "
    "(the old path will be removed in crisiskit 0.3)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str) -> Any:
    # The few names outside __all__ (helpers a caller may have used) still resolve.
    return getattr(_moved, name)
