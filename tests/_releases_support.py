"""Helpers shared by the release tests: synthetic sources, fixture releases and a local HTTP server.

Every record here is synthetic (ids such as ``USA-CHN-2099-TEST-A``); nothing describes a real
policy or tariff.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import http.server
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policydata.catalog import tables

Row = dict[str, str]


def base_rows() -> dict[str, list[Row]]:
    """A small valid data set: one record per table, each cited."""
    return {
        "sources": [
            {
                "source_id": "test-2099-doc-a",
                "title": "Synthetic test document A",
                "publisher": "Test Publisher",
                "url": "https://example.org/test-doc-a",
                "published_date": "2099-01-01",
                "language": "en",
                "kind": "research",
                "checked": "false",
            }
        ],
        "policies": [
            {
                "policy_id": "USA-2099-TEST-A",
                "jurisdiction": "USA",
                "title_en": "Synthetic test policy A",
                "issuing_body": "Test Body",
                "kind": "plan",
                "status": "announced",
                "summary": "A synthetic record for tests.",
            }
        ],
        "sectors": [{"sector_id": "MIC2025-TEST-A", "scheme": "MIC2025", "name_en": "Test sector A"}],
        "sector_codes": [
            {"sector_id": "MIC2025-TEST-A", "classification": "HS2022", "code": "99", "match": "broad"}
        ],
        "policy_sectors": [{"policy_id": "USA-2099-TEST-A", "sector_id": "MIC2025-TEST-A"}],
        "tariff_events": [event("USA-CHN-2099-TEST-A", rate="10")],
        "tariff_event_products": [
            {"event_id": "USA-CHN-2099-TEST-A", "hs_code": "0101", "hs_edition": "HS2022"}
        ],
        "citations": [
            cite("policies", "USA-2099-TEST-A"),
            cite("sectors", "MIC2025-TEST-A"),
            cite("sector_codes", "MIC2025-TEST-A|HS2022|99"),
            cite("policy_sectors", "USA-2099-TEST-A|MIC2025-TEST-A"),
            cite("tariff_events", "USA-CHN-2099-TEST-A"),
            cite("tariff_event_products", "USA-CHN-2099-TEST-A|0101"),
        ],
    }


def event(event_id: str, *, rate: str) -> Row:
    """A synthetic tariff event in force since 2099-01-01."""
    return {
        "event_id": event_id,
        "imposing": "USA",
        "target": "CHN",
        "title": "Synthetic test event",
        "authority": "us-section-301",
        "legal_basis": "Synthetic legal basis",
        "action": "impose",
        "combines": "stacks",
        "announced_date": "2098-12-01",
        "effective_date": "2099-01-01",
        "retroactive": "false",
        "rate_pct": rate,
        "coverage": "listed-products",
        "products_encoded": "true",
        "product_scope": "Synthetic products",
        "status": "in-force",
    }


def cite(table: str, record_id: str) -> Row:
    return {"table": table, "record_id": record_id, "source_id": "test-2099-doc-a"}


def write_sources(folder: Path, rows: Mapping[str, list[Row]]) -> Path:
    """Write one CSV per table, columns in schema order, missing cells empty."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, info in tables().items():
        names = [s.name for s in info.fields]
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(names)
            for row in rows.get(name, []):
                writer.writerow([row.get(n, "") for n in names])
    return folder


def build(sources: Path, releases: Path, version: str, **kwargs: Any) -> Path:
    from policydata.publish.build import build_release

    return build_release(sources, releases, version, dt.date(2099, 1, 15), **kwargs)


def run_cli(args: list[str], monkeypatch: Any, capsys: Any) -> tuple[int, str]:
    """Run the CLI entry point in this process; return its exit code and what it printed.

    Standard output only when the exit code is 0, else standard output and error together.
    """
    import sys

    from policydata.cli import main

    monkeypatch.setattr(sys, "argv", ["policydata", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out if code == 0 else captured.out + captured.err


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# A real HTTP server on 127.0.0.1 whose answers each test scripts.

#: One scripted answer: called with the request handler, it writes the whole response.
Action = Callable[[http.server.BaseHTTPRequestHandler], None]


@dataclass
class Server:
    """Serves files from a folder; ``script[path]`` is a queue of special answers, used first."""

    root: Path
    url: str = ""
    script: dict[str, list[Action]] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: set when a test ends, so handlers that hold a connection open return
    closing: threading.Event = field(default_factory=threading.Event)

    def count(self, suffix: str) -> int:
        with self.lock:
            return sum(n for p, n in self.requests.items() if p.endswith(suffix))

    def then(self, path_suffix: str, *actions: Action) -> None:
        self.script.setdefault(path_suffix, []).extend(actions)


def send_bytes(data: bytes, *, length: int | None = None, status: int = 200) -> Action:
    def act(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(data) if length is None else length))
        handler.end_headers()
        handler.wfile.write(data)

    return act


def send_status(status: int) -> Action:
    return send_bytes(b"error\n", status=status)


def drop_midway(
    data: bytes, *, started: threading.Event | None = None, hold: threading.Event | None = None
) -> Action:
    """Announce the whole body, send half of it, then (after ``hold`` is set) close the connection."""

    def act(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data[: len(data) // 2])
        handler.wfile.flush()
        if started is not None:
            started.set()
        if hold is not None:
            hold.wait(60)
        handler.close_connection = True

    return act


@dataclass
class Sent:
    """What a streaming answer managed to send, and whether the client hung up on it."""

    bytes: int = 0
    hung_up: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)


def _stream(handler: http.server.BaseHTTPRequestHandler, chunks: Iterator[bytes], sent: Sent) -> None:
    try:
        for chunk in chunks:
            handler.wfile.write(chunk)
            handler.wfile.flush()
            sent.bytes += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        sent.hung_up.set()
    finally:
        sent.done.set()
        handler.close_connection = True


def trickle(data: bytes, sent: Sent, stop: threading.Event, *, every: float = 0.01) -> Action:
    """Announce the whole body, then send it one byte every ``every`` seconds (until ``stop``)."""

    def chunks() -> Iterator[bytes]:
        for i in range(len(data)):
            if stop.wait(every):
                return
            yield data[i : i + 1]

    def act(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        _stream(handler, chunks(), sent)

    return act


def trickle_headers(sent: Sent, stop: threading.Event, *, every: float = 0.01) -> Action:
    """Send a status line, then one header a byte every ``every`` seconds, never ending it."""

    def chunks() -> Iterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\nX-Slow: "
        while not stop.wait(every):
            yield b"a"

    def act(handler: http.server.BaseHTTPRequestHandler) -> None:
        _stream(handler, chunks(), sent)

    return act


def endless(
    sent: Sent, *, length: int | None = None, limit: int = 1 << 30, status: int = 200, location: str = ""
) -> Action:
    """A body that does not end: no Content-Length (or a false one), up to ``limit`` bytes; with
    ``status`` and ``location``, a redirect whose body does not end."""
    block = bytes(range(256)) * 256

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // len(block)):
            yield block

    def act(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        if length is not None:
            handler.send_header("Content-Length", str(length))
        if location:
            handler.send_header("Location", location)
        handler.send_header("Connection", "close")
        handler.end_headers()
        _stream(handler, chunks(), sent)

    return act


def send_headers(data: bytes, headers: dict[str, str], *, status: int = 200) -> Action:
    """Answer with exactly these headers (no Content-Length unless given) and then ``data``."""

    def act(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(data)
        handler.close_connection = True

    return act


def redirect(location: str) -> Action:
    return send_headers(b"", {"Location": location, "Content-Length": "0"}, status=302)


def wait_then(event: threading.Event, action: Action, *, limit: float = 60) -> Action:
    """Answer with ``action`` once ``event`` is set (or after ``limit`` seconds, so a test never hangs)."""

    def act(handler: http.server.BaseHTTPRequestHandler) -> None:
        event.wait(limit)
        action(handler)

    return act


@contextmanager
def serve(root: Path) -> Iterator[Server]:
    """Run a threaded HTTP server on 127.0.0.1 (a free port) for the duration of the block."""
    state = Server(root)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            with state.lock:
                state.requests[path] += 1
                action = None
                for suffix, queue in state.script.items():
                    if path.endswith(suffix) and queue:
                        action = queue.pop(0)
                        break
            if action is not None:
                action(self)
                return
            file = state.root / path.lstrip("/")
            if not file.is_file():
                send_status(404)(self)
                return
            send_bytes(file.read_bytes())(self)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.closing.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
