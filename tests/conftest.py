from __future__ import annotations

from pathlib import Path

import pytest

import synthsocial

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def world_10k():
    """One default world of 10,000 users, shared by the structural tests."""
    return synthsocial.generate(10_000, seed=3)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real reference data not found at {SHARED_DATA} (see ../shared/data/README.md)")
    return SHARED_DATA
