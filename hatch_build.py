"""Hatch build hook: put the newest data release, and the release index, inside the wheel.

The releases live in ``datasets/releases/`` at the top of the repository; only the newest one (as named
by ``datasets/releases/index.json``) ships in the wheel, under ``policydata/_embedded/<version>/``.
The index itself ships as
``policydata/_embedded/index.json``: it is what an installed library trusts when it downloads any
other release (the archive's sha256 must match its entry).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        # an editable install reads the releases from the source checkout instead
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        index_path = root / "datasets" / "releases" / "index.json"
        index = json.loads(index_path.read_text(encoding="utf-8"))
        newest = index["latest"]
        release_dir = root / "datasets" / "releases" / newest
        if not (release_dir / "datapackage.json").is_file():
            raise RuntimeError(
                f"index.json names {newest} as the newest release but {release_dir} has no "
                "datapackage.json; run 'policydata release' first"
            )
        for path in sorted(release_dir.iterdir()):
            if path.is_file():
                build_data["force_include"][str(path)] = f"policydata/_embedded/{newest}/{path.name}"
        build_data["force_include"][str(index_path)] = "policydata/_embedded/index.json"
