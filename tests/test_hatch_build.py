"""The build hook: the wheel carries the newest release and the release index, installs into a fresh
environment, loads offline from elsewhere, and an installed wheel trusts its own index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from _releases_support import base_rows, build, event, write_sources

import policydata
from policydata import settings

V1, V2 = "2099.1.0", "2099.2.0"
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of this project whose datasets/releases holds two fixture releases."""
    pytest.importorskip("hatchling")
    root = tmp_path_factory.mktemp("wheel")
    project = root / "project"
    project.mkdir()
    for name in ("pyproject.toml", "hatch_build.py", "README.md", "LICENSE"):
        shutil.copy(PROJECT / name, project / name)
    shutil.copytree(
        PROJECT / "policydata",
        project / "policydata",
        ignore=shutil.ignore_patterns("__pycache__", "_embedded"),
    )
    rows = base_rows()
    releases = project / "datasets" / "releases"
    build(write_sources(root / "sources", rows), releases, V1)
    rows["tariff_events"][0] = event("USA-CHN-2099-TEST-A", rate="30")
    build(write_sources(root / "sources", rows), releases, V2)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(root),
            str(project),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = root.glob("policydata-*.whl")
    return found


def test_wheel_carries_the_newest_release_and_the_index(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.startswith("policydata/_embedded/")]
        index = json.loads(zf.read("policydata/_embedded/index.json"))
    assert [r["version"] for r in index["releases"]] == [V1, V2]
    assert f"policydata/_embedded/{V2}/{settings.DATAPACKAGE_FILE}" in names
    assert f"policydata/_embedded/{V2}/{settings.CHECKSUMS_NAME}" in names
    assert not any(V1 in n for n in names)  # only the newest release is embedded
    assert not any(n.endswith(".zip") for n in names)


def test_installed_wheel_uses_its_own_index(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    script = (
        "import json, policydata\n"
        "from policydata.release.index import index_path\n"
        "rel = policydata.open_release()\n"
        "try:\n"
        f"    policydata.open_release({V1!r})\n"
        "    error = None\n"
        "except policydata.PolicyDataError as exc:\n"
        "    error = exc.code\n"
        "print(json.dumps({'file': policydata.__file__, 'index': str(index_path()), "
        "'version': rel.version, 'error': error}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYDATA_")}
    env.update(PYTHONPATH=str(target), POLICYDATA_OFFLINE="1", POLICYDATA_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    assert Path(result["file"]).is_relative_to(target)
    assert Path(result["index"]) == target / "policydata" / "_embedded" / settings.INDEX_FILE
    assert result["version"] == V2
    # V1 is known from the wheel's index, so the library would download it; offline, it says so
    assert result["error"] == "offline"


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
