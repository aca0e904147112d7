"""Shared fixtures: paths found from this file, never from the working directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _explore_support import Explorer, running_explorer

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


@pytest.fixture(scope="session")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Explorer]:
    """``policydata serve`` on the embedded release, on 127.0.0.1, for the whole session."""
    pytest.importorskip("datasette", reason="the explorer needs the extra 'serve'")
    with running_explorer(tmp_path_factory.mktemp("explorer-cache")) as running:
        yield running
