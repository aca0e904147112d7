"""``datasette publish`` on the export: the container's own commands, run here on 127.0.0.1.

``datasette publish cloudrun policydata.db --metadata metadata.json --install 'policydata[serve]'``
builds an image that runs ``datasette inspect`` and then ``datasette serve ...``: this test takes
those commands from Datasette's own Dockerfile template and runs them on the files that
``policydata export sqlite`` and ``policydata export metadata`` write, with the plugin loaded
through its entry point, as in the image.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from _explore_support import free_port
from _releases_support import run_cli

import policydata

datasette_utils = pytest.importorskip("datasette.utils", reason="the explorer needs the extra 'serve'")


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_published_image_serves_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    version = policydata.open_release().version
    for fmt, name in (("sqlite", "policydata.db"), ("metadata", "metadata.json")):
        code, output = run_cli(["export", fmt, version, "-o", str(tmp_path / name)], monkeypatch, capsys)
        assert code == 0, output
    dockerfile = datasette_utils.make_dockerfile(
        ["policydata.db"],
        "metadata.json",
        "--setting sql_time_limit_ms 3000",
        None,
        None,
        None,
        [],
        ["policydata[serve]"],
        False,
        None,
        "secret",
    )
    assert "RUN pip install -U datasette policydata[serve]\n" in dockerfile
    bin_dir = Path(sys.executable).parent
    inspect = dockerfile.split("RUN datasette inspect ", 1)[1].splitlines()[0]
    subprocess.run([str(bin_dir / "datasette"), "inspect", *shlex.split(inspect)], cwd=tmp_path, check=True)
    port = free_port()
    cmd = shlex.split(dockerfile.split("CMD ", 1)[1].strip().replace("$PORT", str(port)))
    cmd = [str(bin_dir / "datasette"), *cmd[1:]]
    cmd[cmd.index("0.0.0.0")] = "127.0.0.1"
    env = {**os.environ, "POLICYDATA_CACHE_DIR": str(tmp_path / "cache"), "POLICYDATA_OFFLINE": "1"}
    process = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get_or_none(url + "/-/versions.json") is None:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "datasette did not answer"
            time.sleep(0.1)
        status, body = _get(url + "/")
        assert status == 200 and f"policydata {version}".encode() in body
        status, body = _get(url + "/-/rate.json?imposing=USA&target=CHN&hs=950300&on=2025-04-10")
        assert status == 200 and b'"additional_pct"' in body and b'"/policydata/sources/' in body
        status, _ = _get(url + "/policydata/events_in_force.json?on=2025-04-10&imposing=USA&target=CHN")
        assert status == 200
        status, _ = _get(url + "/-/rate.json?imposing=XXX&target=CHN")
        assert status == 400
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get_or_none(url: str) -> int | None:
    try:
        return _get(url)[0]
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None
