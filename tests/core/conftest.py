import core.gan  # noqa: F401 - sets OMP_WAIT_POLICY before any test module loads torch
