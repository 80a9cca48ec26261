import os

import pytest
from hypothesis import HealthCheck, settings

from crisiskit.values import open_enum

# CI is derandomised and has no deadline: the machines are shared and noisy, and a red run
# must mean a real failure. Locally, examples vary from run to run.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _no_registration_leaks():
    """A test that registers a role, crisis type, channel or audience must undo it.

    Use ``crisiskit.testing.vocabulary_scope()``; a leak would change what every later test
    sees (``list(Role)``, the strategies, the messages), so it fails the test that leaked.
    """
    saved = open_enum.snapshot()
    yield
    leaked = open_enum.changed_since(saved)
    if leaked:
        open_enum.restore(saved)
        pytest.fail(
            f"the test left registrations in {', '.join(leaked)}: register inside "
            "crisiskit.testing.vocabulary_scope()"
        )


@pytest.fixture(scope="session")
def pg_url():
    """A PostgreSQL server's URL (see tests/postgres_support.py); skipped, or failed under CI."""
    from postgres_support import server_url

    yield from server_url()
