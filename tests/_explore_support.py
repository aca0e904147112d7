"""A real ``policydata serve`` on 127.0.0.1, started by the tests, and a small HTTP client for it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: How long the server may take to export the release and answer (a generous bound, not a timing).
START_TIMEOUT = 120.0


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Explorer:
    """A running explorer: its address and the process serving it."""

    url: str
    process: subprocess.Popen[bytes]

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        """GET ``path`` (with ``params`` URL-encoded); any status is an answer, not an error."""
        address = self.url + path + (("?" + urllib.parse.urlencode(params)) if params else "")
        request = urllib.request.Request(address, headers={"Accept": "*/*"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Answer(response.status, response.headers.get("content-type", ""), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get("content-type", ""), error.read())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/-/versions.json", timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def running_explorer(cache: Path, *args: str) -> Iterator[Explorer]:
    """Start ``policydata serve ARGS`` on a free port of 127.0.0.1; stop it afterwards."""
    port = free_port()
    env = {**os.environ, "POLICYDATA_CACHE_DIR": str(cache), "POLICYDATA_OFFLINE": "1"}
    command = [sys.executable, "-m", "policydata", "serve", *args, "--port", str(port), "--host", "127.0.0.1"]
    log = cache / f"serve-{port}.log"
    cache.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(url):
            if process.poll() is not None:
                raise RuntimeError(f"policydata serve exited with {process.returncode}: {log.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"policydata serve did not answer within {START_TIMEOUT} s: {log.read_text()}"
                )
            time.sleep(0.1)
        yield Explorer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - uvicorn stops on SIGTERM
            process.kill()
            process.wait()
