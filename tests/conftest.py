"""Test settings: PyTorch on one thread (the oracle), a reproducible hypothesis profile."""

import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

settings.register_profile(
    "course",
    max_examples=int(os.environ.get("BPLIB_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,  # the same examples on every run: CI failures reproduce locally
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("course")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
