"""The explorer over HTTP: a real ``policydata serve`` on 127.0.0.1 (started once for the session).

Every table page, facets, links between records, full-text search in Chinese, the canned queries,
the JSON API, the rate and timeline pages and endpoints, and bad parameters (400, never 500).
"""

from __future__ import annotations

import re
import struct
from html.parser import HTMLParser
from typing import Any

import pytest
from _explore_support import Explorer

import policydata
from policydata.tariffs import rate_stack, rate_timeline, timeline_rows

pytest.importorskip("datasette", reason="the explorer needs the extra 'serve'")

DB = "/policydata"
TOYS = {"imposing": "USA", "target": "CHN", "hs": "950300", "on": "2025-04-10"}
WINDOW = {"imposing": "USA", "target": "CHN", "from": "2018-01-01", "to": "2026-12-05"}


def release_tables() -> list[str]:
    return list(policydata.open_release().tables)


class _Assets(HTMLParser):
    """Every address a page loads by itself (scripts, style sheets, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "source") and values.get("src"):
            self.loaded.append(str(values["src"]))
        if tag == "link" and values.get("href") and "stylesheet" in (values.get("rel") or ""):
            self.loaded.append(str(values["href"]))


def assert_local_assets(html: str) -> None:
    """A page loads nothing from another host: no CDN, so it works without a network."""
    parser = _Assets()
    parser.feed(html)
    outside = [a for a in parser.loaded if re.match(r"^(https?:)?//", a)]
    assert not outside, outside


# -------------------------------------------------------------------------------------------------
# Tables, facets, links, search


def test_home_page_names_the_release_licence_and_citation(explorer: Explorer) -> None:
    page = explorer.get("/")
    assert page.status == 200
    release = policydata.open_release()
    assert f"policydata {release.version}" in page.text
    assert "CC-BY-4.0" in page.text and "Cite as" in page.text
    assert_local_assets(page.text)


@pytest.mark.parametrize("name", [*release_tables(), "_policydata"])
def test_every_table_page(explorer: Explorer, name: str) -> None:
    page = explorer.get(f"{DB}/{name}")
    assert page.status == 200, page.text[:300]
    assert_local_assets(page.text)
    data = explorer.get(f"{DB}/{name}.json").json()
    if name != "_policydata":
        assert data["filtered_table_rows_count"] == policydata.open_release().rows(name)
    assert data["rows"]


def test_table_metadata_describes_every_column(explorer: Explorer) -> None:
    page = explorer.get(f"{DB}/tariff_events")
    assert 'class="column-descriptions"' in page.text
    assert "Additional ad valorem rate in percent" in page.text
    assert "effective_year" in page.text


def test_facets_of_tariff_events(explorer: Explorer) -> None:
    data = explorer.get(f"{DB}/tariff_events.json").json()
    assert set(data["facet_results"]) == {"imposing", "target", "authority", "status", "effective_year"}
    counts = {r["value"]: r["count"] for r in data["facet_results"]["imposing"]["results"]}
    events = policydata.load("tariff_events", columns=["imposing"])
    assert counts == events["imposing"].value_counts().to_dict()
    # a facet value narrows the table and stays in the address
    usa = explorer.get(f"{DB}/tariff_events.json", {"imposing": "USA", "_size": "max"}).json()
    assert usa["filtered_table_rows_count"] == counts["USA"]
    years = explorer.get(f"{DB}/tariff_events.json", {"effective_year": "2025", "_shape": "array"}).json()
    assert years and all(row["effective_year"] == 2025 for row in years)
    assert all(row["effective_date"].startswith("2025-") for row in years)


def test_an_event_links_to_what_it_amends_answers_cites_and_lists(explorer: Explorer) -> None:
    page = explorer.get(f"{DB}/tariff_events/USA-CHN-2025-IEEPA-RECIP-125")
    assert page.status == 200
    html = page.text
    # the references of the record are links to the records they name
    assert 'href="/policydata/tariff_events/USA-CHN-2025-IEEPA-RECIP-84"' in html
    assert 'href="/policydata/tariff_events/CHN-USA-2025-CTC-RECIP-84"' in html
    # the records that refer to it: products, and events that amend or answer it
    assert "Links from other tables" in html
    assert re.search(r"from event_id in tariff_event_products", html)
    # its sources: their records, and the documents
    assert "Sources cited" in html
    assert re.search(r'href="/policydata/sources/[^"]+"', html)
    # and the rate on its effective date
    assert "/-/rate?imposing=USA&amp;target=CHN&amp;on=2025-04-10" in html


def test_table_pages_link_references_with_the_other_records_label(explorer: Explorer) -> None:
    params = {"event_id": "USA-CHN-2025-IEEPA-RECIP-125", "_labels": "on", "_shape": "array"}
    (row,) = explorer.get(f"{DB}/tariff_events.json", params).json()
    amended = policydata.load("tariff_events", filters=[("event_id", "=", "USA-CHN-2025-IEEPA-RECIP-84")])
    assert row["amends_event_id"] == {
        "value": "USA-CHN-2025-IEEPA-RECIP-84",
        "label": amended["title"].iloc[0],
    }
    page = explorer.get(f"{DB}/tariff_events", {"event_id": "USA-CHN-2025-IEEPA-RECIP-125"})
    assert 'href="/policydata/tariff_events/USA-CHN-2025-IEEPA-RECIP-84"' in page.text


def test_full_text_search_in_chinese(explorer: Explorer) -> None:
    found = explorer.get(f"{DB}/sources.json", {"_search": "税委会", "_shape": "array"}).json()
    ids = {row["source_id"] for row in found}
    assert "ctc-2018-7" in ids
    assert all("税委会" in f"{row['title']} {row['publisher']} {row['reference']}" for row in found)
    policies = explorer.get(f"{DB}/policies.json", {"_search": "中国制造2025", "_shape": "array"}).json()
    assert "CHN-2015-MIC2025" in {row["policy_id"] for row in policies}
    page = explorer.get(f"{DB}/sources", {"_search": "税委会"})
    assert page.status == 200 and "search matches" in page.text


# -------------------------------------------------------------------------------------------------
# Canned queries


def test_canned_query_events_in_force(explorer: Explorer) -> None:
    params = {"on": "2025-04-10", "imposing": "usa", "target": "CHN"}
    rows = explorer.get(f"{DB}/events_in_force.json", params | {"_shape": "array"}).json()
    ids = {r["event_id"] for r in rows}
    assert "USA-CHN-2025-IEEPA-RECIP-125" in ids and "USA-CHN-2025-IEEPA-FENT-20" in ids
    assert all(r["effective_date"] <= "2025-04-10" and (r["end_date"] or "9") > "2025-04-10" for r in rows)
    assert explorer.get(f"{DB}/events_in_force", params).status == 200


def test_canned_query_event_products(explorer: Explorer) -> None:
    rows = explorer.get(
        f"{DB}/event_products.json", {"event_id": "CHN-USA-2025-CTC-FENT-T15", "_shape": "array"}
    ).json()
    event = [("event_id", "=", "CHN-USA-2025-CTC-FENT-T15")]
    products = policydata.load("tariff_event_products", filters=event)
    listed = [r for r in rows if r["listed_in"] == "listed in the event"]
    assert sorted(r["code"] for r in listed) == sorted(products["hs_code"])
    if "tariff_event_lists" in policydata.open_release().tables:
        lists = sorted(set(policydata.load("tariff_event_lists", filters=event)["list_id"]))
        lines = policydata.load("product_list_lines", filters=[("list_id", "in", lists)])
        by_list = [(r["list_id"], r["code"]) for r in rows if r["listed_in"] == "product list"]
        assert sorted(by_list) == sorted(zip(lines["list_id"], lines["code"], strict=True))
    assert explorer.get(f"{DB}/event_products", {"event_id": "CHN-USA-2025-CTC-FENT-T15"}).status == 200


def test_canned_query_sector_activity(explorer: Explorer) -> None:
    rows = explorer.get(f"{DB}/sector_activity.json", {"sector_id": "MIC2025-01", "_shape": "array"}).json()
    kinds = {r["kind"] for r in rows}
    assert "policy" in kinds
    assert "CHN-2015-MIC2025" in {r["id"] for r in rows if r["kind"] == "policy"}
    # a sub-sector's policies count for its parent
    assert "CHN-2014-BIGFUND-I" in {r["id"] for r in rows}
    assert explorer.get(f"{DB}/sector_activity", {"sector_id": "MIC2025-01"}).status == 200


# -------------------------------------------------------------------------------------------------
# Rate and timeline


def test_rate_endpoint_is_the_library_stack_with_sources(explorer: Explorer) -> None:
    answer = explorer.get("/-/rate.json", TOYS)
    assert answer.status == 200 and answer.content_type.startswith("application/json")
    data = answer.json()
    expected = rate_stack("USA", "CHN", "2025-04-10", hs_code="950300").to_dict()
    for key in ("additional_pct", "additional_upper_pct", "total_pct", "general_rate", "edition", "values"):
        assert data[key] == expected[key], key
    assert [
        {k: v for k, v in la.items() if k not in ("sources", "record")} for la in data["layers"]
    ] == expected["layers"]
    for layer in data["layers"]:
        assert layer["record"] == f"/policydata/tariff_events/{layer['event_id']}"
        assert layer["sources"], layer["event_id"]
        assert all(s["record"].startswith("/policydata/sources/") and s["url"] for s in layer["sources"])
    assert data["links"]["html"] == "/-/rate?imposing=USA&target=CHN&hs=950300&on=2025-04-10"


def test_rate_page_shows_total_layers_reasons_and_sources(explorer: Explorer) -> None:
    page = explorer.get("/-/rate", TOYS)
    assert page.status == 200
    stack = rate_stack("USA", "CHN", "2025-04-10", hs_code="950300")
    assert f"Additional tariff: <strong>{stack.additional_pct:g}%</strong>" in page.text
    assert page.text.count('class="pd-layer ') == len(stack.layers)
    for layer in stack.layers:
        assert f'href="/policydata/tariff_events/{layer.event_id}"' in page.text
        if layer.reason:
            assert layer.reason in page.text.replace("&#39;", "'")
    assert 'href="/policydata/sources/' in page.text
    assert_local_assets(page.text)


def test_rate_page_of_a_sector_gives_the_unweighted_average(explorer: Explorer) -> None:
    page = explorer.get(
        "/-/rate", {"imposing": "USA", "target": "CHN", "sector": "MIC2025-02", "on": "2018-07-06"}
    )
    assert page.status == 200
    stack = rate_stack("USA", "CHN", "2018-07-06", sector="MIC2025-02")
    assert 'id="pd-average"' in page.text and "unweighted" in page.text
    assert f"simple average additional duty <strong>{stack.mean_pct:g}%</strong>" in page.text
    assert f"share of lines with a duty <strong>{stack.share_covered_pct:g}%</strong>" in page.text
    assert stack.sector_name is not None and stack.sector_name in page.text


def test_rate_page_without_parameters_shows_the_form(explorer: Explorer) -> None:
    page = explorer.get("/-/rate")
    assert page.status == 200 and '<form class="pd-form"' in page.text and 'id="pd-total"' not in page.text


def test_timeline_page_chart_and_endpoint(explorer: Explorer) -> None:
    page = explorer.get("/-/timeline", WINDOW)
    assert page.status == 200
    chart = "/-/timeline.png?imposing=USA&amp;target=CHN&amp;from=2018-01-01&amp;to=2026-12-05"
    assert f'id="pd-chart" src="{chart}"' in page.text
    assert_local_assets(page.text)
    png = explorer.get("/-/timeline.png", WINDOW)
    assert png.status == 200 and png.content_type == "image/png"
    assert png.body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png.body[16:24])
    assert width > 600 and height > 400
    data = explorer.get("/-/timeline.json", WINDOW).json()
    assert [(d["imposing"], d["target"]) for d in data["directions"]] == [("USA", "CHN"), ("CHN", "USA")]
    expected = timeline_rows(rate_timeline("USA", "CHN", "2018-01-01", "2026-12-05"))
    changes = data["directions"][0]["changes"]
    assert [(c["date"], c["total_pct"], c["total_upper_pct"], c["mean_pct"]) for c in changes] == [
        (r.start.isoformat(), r.total_pct, r.total_upper_pct, r.mean_pct) for r in expected
    ]
    assert [c["changed_by"] for c in changes] == [list(r.changed_by) for r in expected]
    one_way = explorer.get("/-/timeline.json", WINDOW | {"one_way": "1"}).json()
    assert len(one_way["directions"]) == 1


# -------------------------------------------------------------------------------------------------
# Bad parameters: a clear 400, never a 500

BAD_RATE = {
    "unknown-country": {**TOYS, "imposing": "XXX"},
    "lowercase-nonsense-country": {**TOYS, "target": "china"},
    "bad-date": {**TOYS, "on": "2025-02-30"},
    "not-a-date": {**TOYS, "on": "yesterday"},
    "bad-hs-letters": {**TOYS, "hs": "95A300"},
    "bad-hs-length": {**TOYS, "hs": "9503001"},
    "unknown-sector": {"imposing": "USA", "target": "CHN", "sector": "NO-SUCH-SECTOR", "on": "2025-04-10"},
    "hs-and-sector": {**TOYS, "sector": "MIC2025-01"},
    "missing-target": {"imposing": "USA", "on": "2025-04-10"},
    "very-long": {**TOYS, "hs": "9" * 5000},
}


@pytest.mark.parametrize("params", list(BAD_RATE.values()), ids=list(BAD_RATE))
def test_bad_rate_parameters_are_400(explorer: Explorer, params: dict[str, str]) -> None:
    answer = explorer.get("/-/rate.json", params)
    assert answer.status == 400, answer.text[:300]
    error = answer.json()
    assert error["ok"] is False and error["code"] == "invalid-argument" and error["error"]
    page = explorer.get("/-/rate", params)
    assert page.status == 400
    assert 'class="pd-error"' in page.text and "invalid-argument" in page.text


BAD_TIMELINE = {
    "reversed-window": {**WINDOW, "from": "2026-01-01", "to": "2018-01-01"},
    "bad-from": {**WINDOW, "from": "2018-13-01"},
    "unknown-country": {**WINDOW, "target": "ZZZ"},
    "bad-hs": {**WINDOW, "hs": "x"},
}


@pytest.mark.parametrize("params", list(BAD_TIMELINE.values()), ids=list(BAD_TIMELINE))
@pytest.mark.parametrize("suffix", ["", ".json", ".png"])
def test_bad_timeline_parameters_are_400(explorer: Explorer, params: dict[str, str], suffix: str) -> None:
    answer = explorer.get(f"/-/timeline{suffix}", params)
    assert answer.status == 400, answer.text[:300]


BAD_DATASETTE = {
    "sql-syntax": (DB + ".json", {"sql": "selec 1"}),
    "sql-unknown-table": (DB + ".json", {"sql": "select * from no_such_table"}),
    "sql-write": (DB + ".json", {"sql": "delete from tariff_events"}),
    "sql-page": (DB, {"sql": "select * from"}),
    "search-syntax": (DB + "/sources.json", {"_search": '"'}),
    "search-raw-syntax": (DB + "/sources.json", {"_search": "(((", "_searchmode": "raw"}),
    "sort-unknown-column": (DB + "/tariff_events.json", {"_sort": "no_such_column"}),
    "sort-both-ways": (DB + "/tariff_events.json", {"_sort": "title", "_sort_desc": "title"}),
    "facet-unknown-column": (DB + "/tariff_events.json", {"_facet": "no_such_column"}),
    "unit-filter-not-a-number": (DB + "/tariff_events.json", {"rate_pct__gt": "abc"}),
    "unit-filter-wrong-unit": (DB + "/tariff_events.json", {"rate_pct__gt": "5 kg"}),
    "through-not-json": (DB + "/tariff_events.json", {"_through": "nope"}),
    "timelimit-not-a-number": (DB + "/tariff_events.json", {"_timelimit": "abc"}),
    "size-not-a-number": (DB + "/tariff_events.json", {"_size": "abc"}),
    "shape-unknown": (DB + "/tariff_events.json", {"_shape": "nope"}),
    "unit-filter-page": (DB + "/tariff_events", {"rate_pct__gt": "abc"}),
}


@pytest.mark.parametrize(("path", "params"), list(BAD_DATASETTE.values()), ids=list(BAD_DATASETTE))
def test_bad_datasette_parameters_are_400(explorer: Explorer, path: str, params: dict[str, str]) -> None:
    answer = explorer.get(path, params)
    assert answer.status == 400, answer.text[:300]


ODD_VALUES = ["", " ", "'", '"', "%", "\\", "../..", "<script>", "中国", "0", "-1", "9" * 200, "\x00"]


@pytest.mark.parametrize("value", ODD_VALUES, ids=[f"v{i}" for i in range(len(ODD_VALUES))])
def test_odd_values_never_give_a_500(explorer: Explorer, value: str) -> None:
    for name in ("imposing", "target", "hs", "sector", "on", "from", "to"):
        for path in ("/-/rate.json", "/-/timeline.json"):
            answer = explorer.get(path, (TOYS if "rate" in path else WINDOW) | {name: value})
            assert answer.status in (200, 400), (path, name, value, answer.text[:200])
    answer = explorer.get(f"{DB}/events_in_force.json", {"on": value, "imposing": value, "target": value})
    assert answer.status in (200, 400)


def test_parameters_are_escaped_on_the_pages(explorer: Explorer) -> None:
    marker = '"><b id="pd-injected">x</b>'
    for path, params in (("/-/rate", TOYS), ("/-/timeline", WINDOW)):
        for name in ("imposing", "hs", "on"):
            page = explorer.get(path, params | {name: marker})
            assert page.status in (200, 400) and '<b id="pd-injected">' not in page.text


def test_an_error_names_what_to_fix(explorer: Explorer) -> None:
    error: dict[str, Any] = explorer.get("/-/rate.json", BAD_RATE["bad-date"]).json()
    assert "2025-02-30" in error["error"] and error["hint"]


def test_pages_without_a_date_ask_about_the_release_s_as_of_date(explorer: Explorer) -> None:
    as_of = policydata.open_release().as_of
    rate = explorer.get("/-/rate.json", {"imposing": "USA", "target": "CHN", "hs": "950300"})
    assert rate.status == 200
    assert rate.json()["on"] == as_of
    timeline = explorer.get("/-/timeline.json", {"imposing": "USA", "target": "CHN", "hs": "950300"})
    assert timeline.status == 200
