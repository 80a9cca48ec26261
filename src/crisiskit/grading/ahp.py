"""Deprecated: moved to :mod:`crisiskit.grading.models.ahp`; this path is removed in crisiskit 0.3."""

import warnings
from typing import Any

from crisiskit.grading.models import ahp as _moved
from crisiskit.grading.models.ahp import *  # noqa: F403

__all__ = _moved.__all__

warnings.warn(
    "crisiskit.grading.ahp has moved to crisiskit.grading.models.ahp; import it from there "
    "(the old path will be removed in crisiskit 0.3)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str) -> Any:
    # The few names outside __all__ (helpers a caller may have used) still resolve.
    return getattr(_moved, name)
