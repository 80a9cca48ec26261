"""Shared builders for lifecycle tests."""

import pendulum

from crisiskit import Channel, Context, Crisis, CrisisKitError, CrisisType, CustomerRef, Signal
from crisiskit.operations.review import Review
from crisiskit.serialization import to_dict
from crisiskit.testing import ManualClock

T0 = pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai")

REVIEW = Review(
    root_cause="a cracked seal on filling line 3 let in foreign matter",
    lessons=["seal inspection must be part of the line start-up checklist"],
    improvements=["add seal checks to the quality plan"],
)


def signal(text="Weibo post: foreign object in yoghurt", customer="C-1", at=T0, **metrics):
    return Signal(
        Channel.SOCIAL_MEDIA,
        at,
        text,
        customers=[CustomerRef(customer)] if customer else [],
        metrics=metrics or {"heat": 8200},
    )


def new_crisis(clock=None, crisis_id="CR-1", context=None, **kwargs):
    clock = clock or ManualClock(T0)
    context = context or Context(clock)
    return Crisis.detect(
        context,
        crisis_id=crisis_id,
        crisis_type=kwargs.pop("crisis_type", CrisisType.PRODUCT_QUALITY),
        title=kwargs.pop("title", "Foreign object in yoghurt"),
        actor=kwargs.pop("actor", "monitor"),
        signals=kwargs.pop("signals", [signal()]),
        **kwargs,
    )


def snapshot(crisis):
    """Everything a refused command must leave alone.

    The serialised form holds every public field, so a field added to ``Crisis`` is compared
    without anyone remembering to list it here; the pending events are not serialised.
    """
    return to_dict(crisis), crisis.version, tuple(crisis.pending_events)


def run_recorded(crisis, log, command):
    """Run ``command``: a refusal must leave ``crisis`` as it was; what it records joins ``log``."""
    before = snapshot(crisis)
    try:
        command()
    except CrisisKitError:
        assert snapshot(crisis) == before
        return
    log.extend(crisis.pull_events())
