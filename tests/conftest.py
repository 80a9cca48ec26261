import os

from hypothesis import HealthCheck, settings

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
