"""Built-in scenarios: the demo, and examples of the scenario format.

>>> scenario = load("food_safety")
>>> scenario.crisis_type.value, len(scenario.steps) > 20
('product_quality', True)
"""

from __future__ import annotations

from importlib import resources

from crisiskit.app.scenario import Scenario
from crisiskit.errors import UnknownValueError
from crisiskit.serialization import from_json

__all__ = ["NAMES", "load", "text"]

NAMES: tuple[str, ...] = ("food_safety", "food_safety_zh")
"""The built-in scenarios (``food_safety_zh`` is the same story told in Chinese)."""


def text(name: str) -> str:
    """The JSON of built-in scenario ``name``."""
    if name not in NAMES:
        raise UnknownValueError(f"no built-in scenario {name!r}; there are: {', '.join(NAMES)}")
    return resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")


def load(name: str) -> Scenario:
    """Built-in scenario ``name``, read from its JSON."""
    return from_json(text(name), Scenario)
