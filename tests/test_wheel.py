"""The wheel carries its data: build it, install it into a fresh environment, load from elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import policydata


def test_wheel_installs_and_loads_offline_elsewhere(tmp_path: Path, root: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(root)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    version = policydata.open_release().version
    names = zipfile.ZipFile(wheel).namelist()
    assert f"policydata/_embedded/{version}/datapackage.json" in names
    assert f"policydata/_embedded/{version}/tariff_events.parquet" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    # dependencies come from this environment's site-packages; policydata itself only from the wheel
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    env.pop("POLICYDATA_RELEASE_DIR", None)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import policydata, pathlib; r = policydata.open_release(); "
        "print(policydata.__file__); print(r.path); print(policydata.load('tariff_events').shape)"
    )
    out = subprocess.run(
        [str(python), "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, check=True
    )
    module_file, release_path, shape = out.stdout.strip().splitlines()
    assert str(venv) in module_file
    assert str(venv) in release_path
    expected = policydata.load("tariff_events").shape
    assert shape == str(expected)
