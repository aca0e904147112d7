"""Shared fixtures: paths found from this file, never from the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    return ROOT / "datasets" / "sources"


@pytest.fixture(scope="session")
def release_dir() -> Path:
    import policydata

    return policydata.open_release().path
