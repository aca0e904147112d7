"""The explorer in a real browser: headless Chromium (Debian's) driven by Playwright, one session.

Opens the home page, an event, the rate page and the timeline, checks what a person sees there
(the release, the record and its sources, the total and the layers, a chart that is not blank),
follows a link, and saves a screenshot of each page into ``build/screenshots/``. No page may ask
any host but the explorer for anything (no CDN).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _explore_support import Explorer

import policydata
from policydata.tariffs import rate_stack

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser test needs playwright (extra 'dev')"
)
pytest.importorskip("datasette", reason="the explorer needs the extra 'serve'")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: As the machine notes say: no sandbox (root), no GPU, and nothing that reaches out to the network.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser(explorer: Explorer) -> Iterator[tuple[Any, list[str], list[str]]]:
    """One Chromium with a fresh profile; every request to another host is refused and noted."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: 'make test' installs Debian's chromium package")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    errors: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile,
        playwright_api.sync_playwright() as p,
    ):
        context = p.chromium.launch_persistent_context(
            profile,  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )

        def route(r: Any) -> None:
            if r.request.url.startswith(explorer.url):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        try:
            yield page, outside, errors
        finally:
            context.close()


def visit(browser: tuple[Any, list[str], list[str]], explorer: Explorer, path: str, name: str) -> Any:
    page, outside, errors = browser
    response = page.goto(explorer.url + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert response is not None and response.status == 200, path
    assert outside == [], f"{path} asked other hosts for {outside}"
    assert errors == [], f"{path}: {errors}"
    return page


def test_home_page(browser: tuple[Any, list[str], list[str]], explorer: Explorer) -> None:
    page = visit(browser, explorer, "/", "home")
    release = policydata.open_release()
    assert page.locator("h1").first.inner_text() == f"policydata {release.version}"
    assert page.get_by_role("link", name="policydata", exact=True).is_visible()  # the database
    assert page.get_by_role("link", name="Tariff events", exact=True).is_visible()
    assert page.get_by_role("link", name="the rate stack").is_visible()
    assert "CC-BY-4.0" in page.locator("footer").inner_text()


def test_event_page(browser: tuple[Any, list[str], list[str]], explorer: Explorer) -> None:
    page = visit(browser, explorer, "/policydata/tariff_events/USA-CHN-2025-IEEPA-RECIP-125", "event")
    assert "USA-CHN-2025-IEEPA-RECIP-125" in page.locator("h1").inner_text()
    record = page.locator("table.policydata-record")
    assert record.is_visible()
    assert record.locator("tr.col-rate_pct td").inner_text().replace("\xa0", " ") == "125.0 %"
    assert record.locator("tr.col-amends_event_id a").inner_text() == "USA-CHN-2025-IEEPA-RECIP-84"
    assert page.get_by_role("heading", name="Sources cited").is_visible()
    assert page.locator("ul.policydata-sources li").count() >= 1


def test_rate_page(browser: tuple[Any, list[str], list[str]], explorer: Explorer) -> None:
    path = "/-/rate?imposing=USA&target=CHN&hs=950300&on=2025-04-10"
    page = visit(browser, explorer, path, "rate")
    stack = rate_stack("USA", "CHN", "2025-04-10", hs_code="950300")
    upper = (
        f" to {stack.additional_upper_pct:g}%" if stack.additional_upper_pct != stack.additional_pct else ""
    )
    assert page.locator("#pd-total").inner_text() == f"Additional tariff: {stack.additional_pct:g}%{upper}"
    rows = page.locator("tr.pd-layer")
    assert rows.count() == len(stack.layers)
    shown = {rows.nth(i).locator("td").nth(2).locator("a").inner_text() for i in range(rows.count())}
    assert shown == {layer.event_id for layer in stack.layers}
    first = rows.nth(0)
    assert first.locator("td.pd-status").inner_text() == "applies"  # what makes up the total comes first
    assert first.locator("td.pd-sources a").count() >= 2  # a source record and its document
    # the event link leads to the event's page
    event = stack.layers[[la.status for la in stack.layers].index("applies")].event_id
    first.get_by_role("link", name=event).click()
    page.wait_for_load_state("networkidle")
    assert event in page.locator("h1").inner_text()


def test_timeline_page(browser: tuple[Any, list[str], list[str]], explorer: Explorer) -> None:
    from PIL import Image

    page = visit(
        browser, explorer, "/-/timeline?imposing=USA&target=CHN&from=2018-01-01&to=2026-12-05", "timeline"
    )
    chart = page.locator("#pd-chart")
    assert chart.is_visible()
    natural = chart.evaluate("img => [img.naturalWidth, img.complete]")
    assert natural[0] > 600 and natural[1] is True
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "the chart looks blank"
    white = sum(n for n, rgb in colours if min(rgb) > 245)
    assert white < 0.97 * image.width * image.height, "the chart is (almost) all white"
    for heading in ("USA tariffs on goods from CHN", "CHN tariffs on goods from USA"):
        assert page.get_by_role("heading", name=re.compile(f"^{heading}, ")).is_visible()
