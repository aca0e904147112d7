"""A synthetic release for the tariff engine's tests (every id says TEST, every date is in 2097-2099:
none of these records is a fact about real tariffs).

US on China, with product lists by tariff line (percent ad valorem, additional):

* TEST-301     25% from 2097-07-01 on list USA-TEST-301: 4202.21.30, 4202.21.90, 8486.40.00 and
  8703.80.00 in the unencoded edition HTS-2097 (carried through 2098, whose HTS-2098 is not
  encoded either), then in HTS-2099-BASIC from 2099-01-01 with 4202.21.60 added (so it may apply
  in 2098: edition not covered); 8703.80.00 leaves on 2099-06-01.
* TEST-EXCL    excludes 8486.40.0030 (whole statistical line) and 4202.21.9000 (described goods)
  from TEST-301, 2099-01-01 to 2099-12-01.
* TEST-REVIEW  100% from 2099-03-01 on 8703.80.00 (a review heading 9903.91.03; it stacks, and the
  review rule takes 8703.80.00 out of TEST-301 while both list it, 2099-03-01 to 2099-06-01).
* TEST-FENT    20% on all goods from 2099-02-01.
* TEST-RECIP   10% on all goods except list USA-TEST-ANNEX (2204.21.00 whole; 8486.40.00 described
  goods), 2099-04-01 to 2099-10-01; TEST-RECIP-ELEC excludes heading 8517 from it (same dates).
* TEST-STEEL   25% (Section 232, 9903.81.87) from 2099-02-01: heading 7208 whole; 7308.90.95 and
  8703.80.00 described goods (derivatives).
* TEST-AUTOS   25% (Section 232, 9903.94.01) from 2099-05-01 on 8703.80.00.
* TEST-POSTAL  60% instead of every other duty on postal shipments (list not encoded) from 2099-06-01.
* TEST-UNENC   15% (Section 201) on a list that is not encoded, 2099-08-01 to 2099-09-01.
* TEST-122     10% (Section 122) on all goods (no exception list), 2099-11-01 to 2099-12-01.
* TEST-NEVER   100% never in force; TEST-RULING a ruling on 2099-07-01.

The HTS lines (HTS-2099-BASIC from 2099-01-01, HTS-2099-REV-1 from 2099-07-01): 9503.00.00 (Free,
statistical lines .0011 and .0090), 4202.21.30 (5.3%), 4202.21.60 (10%), 4202.21.90 (9%, then 10%
from REV-1; statistical line .9000), 8486.40.00 (Free; .0030 and .0090), 8703.80.00 (2.5%),
7208.51.00 (Free), 7308.90.95 (5.3%), 8517.13.00 (Free), 2204.21.00 (6.3¢/liter: no ad valorem
rate), 9403.50.00 (Free).

The EU on China (no nomenclature: codes matched as given, products in tariff_event_products):

* TEST-A       all goods 10% from 01-10; replaced by TEST-A2 (20%) from 03-01, which is suspended at
  0% by TEST-A-SUSP from 05-01 to 07-01 and restored at 20% by TEST-A3 from 07-01 (all 2099).
* TEST-X       excludes 8703 (heading) from the TEST-A layer from 02-01 to 06-01.
* TEST-B       listed (8541, 950300) 25% from 01-20, ended 04-01.
* TEST-C       listed, list not encoded, 15% from 02-15: may apply to anything.
* TEST-D       listed (870380) 50% from 03-10: a question about 8703 matches only partly.
* TEST-CO-A / TEST-CO-B  17% for exporter Alpha Motors, 35.3% for Beta Group, on 87038010, from 10-01.
* TEST-N       never in force; TEST-R a ruling on 07-01.

China on the US (products in tariff_event_products):

* TEST-K 25% on 1201 from 01-10, replaced by TEST-K2 at 10% from 04-01 to 08-01, then TEST-K3 at 25%.
* TEST-L all goods 15% from 02-01 to 03-01; TEST-M all goods 5% from 09-15.
* TEST-O overrides the earlier countermeasures on 120110 at 5% from 09-01; 120190 keeps 25%.
* TEST-Q instead of every other duty on 950300 (encoded) at 40%, 10-01 to 11-01.
* TEST-P instead of every other duty on listed goods (not encoded) at 60% from 10-01.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from policydata.catalog import TABLE_NAMES, table
from policydata.schemas.model import field_specs

SOURCE = "test-2099-synthetic"
SECTOR = "SEI-TEST"
_AUTHORITY = {"USA": "us-section-301", "CHN": "cn-countermeasure", "EUN": "eu-anti-subsidy"}


def event(event_id: str, **values: Any) -> dict[str, Any]:
    imposing, target = event_id.split("-")[:2]
    row = {
        "event_id": event_id,
        "imposing": imposing,
        "target": target,
        "title": f"Synthetic test event {event_id}",
        "authority": _AUTHORITY[imposing],
        "legal_basis": "Synthetic test record",
        "action": "impose",
        "combines": "stacks",
        "retroactive": "false",
        "coverage": "listed-products",
        "products_encoded": "true",
        "product_scope": "Synthetic test scope",
        "status": "in-force",
    }
    row.update({k: str(v).lower() if isinstance(v, bool) else v for k, v in values.items()})
    return row


US = "USA-CHN-2099-TEST-"
EU = "EUN-CHN-2099-TEST-"
CN = "CHN-USA-2099-TEST-"
IEEPA = {"authority": "us-ieepa"}
S232 = {"authority": "us-section-232"}
EVENTS = [
    event(US + "301", rate_pct=25, effective_date="2097-07-01", hts_heading="9903.88.03"),
    event(
        US + "EXCL",
        action="exclude",
        combines="excludes",
        amends_event_id=US + "301",
        effective_date="2099-01-01",
        end_date="2099-12-01",
        status="ended",
        hts_heading="9903.88.69",
    ),
    event(US + "REVIEW", rate_pct=100, effective_date="2099-03-01", hts_heading="9903.91.03"),
    event(
        US + "FENT",
        **IEEPA,
        coverage="all-goods",
        products_encoded=False,
        rate_pct=20,
        effective_date="2099-02-01",
    ),
    event(
        US + "RECIP",
        **IEEPA,
        coverage="all-except-listed",
        rate_pct=10,
        effective_date="2099-04-01",
        end_date="2099-10-01",
        status="ended",
    ),
    event(
        US + "RECIP-ELEC",
        **IEEPA,
        action="exclude",
        combines="excludes",
        amends_event_id=US + "RECIP",
        effective_date="2099-04-01",
        end_date="2099-10-01",
        status="ended",
    ),
    event(US + "STEEL", **S232, rate_pct=25, effective_date="2099-02-01", hts_heading="9903.81.87"),
    event(US + "AUTOS", **S232, rate_pct=25, effective_date="2099-05-01", hts_heading="9903.94.01"),
    event(
        US + "POSTAL",
        **IEEPA,
        combines="instead",
        products_encoded=False,
        rate_pct=60,
        effective_date="2099-06-01",
    ),
    event(
        US + "122",
        authority="us-section-122",
        coverage="all-except-listed",
        rate_pct=10,
        effective_date="2099-11-01",
        end_date="2099-12-01",
        status="ended",
    ),
    event(
        US + "UNENC",
        authority="us-section-201",
        products_encoded=False,
        rate_pct=15,
        effective_date="2099-08-01",
        end_date="2099-09-01",
        status="ended",
    ),
    event(US + "NEVER", coverage="all-goods", products_encoded=False, rate_pct=100, status="never-in-force"),
    event(
        US + "RULING",
        authority="court",
        action="ruling",
        combines="none",
        coverage="not-applicable",
        products_encoded=False,
        effective_date="2099-07-01",
    ),
    event(
        EU + "A",
        coverage="all-goods",
        products_encoded=False,
        rate_pct=10,
        effective_date="2099-01-10",
        end_date="2099-03-01",
        status="superseded",
    ),
    event(
        EU + "A2",
        action="increase",
        combines="replaces",
        amends_event_id=EU + "A",
        coverage="all-goods",
        products_encoded=False,
        rate_pct=20,
        effective_date="2099-03-01",
        end_date="2099-05-01",
        status="superseded",
    ),
    event(
        EU + "A-SUSP",
        action="suspend",
        combines="replaces",
        amends_event_id=EU + "A2",
        coverage="all-goods",
        products_encoded=False,
        rate_pct=0,
        effective_date="2099-05-01",
        end_date="2099-07-01",
        status="superseded",
    ),
    event(
        EU + "A3",
        action="increase",
        combines="replaces",
        amends_event_id=EU + "A-SUSP",
        coverage="all-goods",
        products_encoded=False,
        rate_pct=20,
        effective_date="2099-07-01",
    ),
    event(
        EU + "X",
        action="exclude",
        combines="excludes",
        amends_event_id=EU + "A",
        effective_date="2099-02-01",
        end_date="2099-06-01",
        status="ended",
    ),
    event(EU + "B", rate_pct=25, effective_date="2099-01-20", end_date="2099-04-01", status="ended"),
    event(EU + "C", rate_pct=15, products_encoded=False, effective_date="2099-02-15"),
    event(EU + "D", rate_pct=50, effective_date="2099-03-10"),
    event(EU + "CO-A", rate_pct=17, effective_date="2099-10-01", exporter="Alpha Motors"),
    event(EU + "CO-B", rate_pct=35.3, effective_date="2099-10-01", exporter="Beta Group"),
    event(EU + "N", coverage="all-goods", products_encoded=False, rate_pct=100, status="never-in-force"),
    event(
        EU + "R",
        authority="court",
        action="ruling",
        combines="none",
        coverage="not-applicable",
        products_encoded=False,
        effective_date="2099-07-01",
    ),
    event(CN + "K", rate_pct=25, effective_date="2099-01-10", end_date="2099-04-01", status="superseded"),
    event(
        CN + "K2",
        action="suspend",
        combines="replaces",
        amends_event_id=CN + "K",
        rate_pct=10,
        effective_date="2099-04-01",
        end_date="2099-08-01",
        status="superseded",
    ),
    event(
        CN + "K3",
        action="increase",
        combines="replaces",
        amends_event_id=CN + "K2",
        rate_pct=25,
        effective_date="2099-08-01",
    ),
    event(
        CN + "L",
        coverage="all-goods",
        products_encoded=False,
        rate_pct=15,
        effective_date="2099-02-01",
        end_date="2099-03-01",
        status="ended",
    ),
    event(
        CN + "O",
        action="decrease",
        combines="overrides",
        amends_event_id=CN + "K3",
        rate_pct=5,
        effective_date="2099-09-01",
    ),
    event(CN + "M", coverage="all-goods", products_encoded=False, rate_pct=5, effective_date="2099-09-15"),
    event(
        CN + "Q",
        combines="instead",
        rate_pct=40,
        effective_date="2099-10-01",
        end_date="2099-11-01",
        status="ended",
    ),
    event(CN + "P", combines="instead", products_encoded=False, rate_pct=60, effective_date="2099-10-01"),
]
PRODUCTS = [
    (EU + "X", "8703"),
    (EU + "B", "8541"),
    (EU + "B", "950300"),
    (EU + "D", "870380"),
    (EU + "CO-A", "87038010"),
    (EU + "CO-B", "87038010"),
    (CN + "K", "1201"),
    (CN + "K2", "1201"),
    (CN + "K3", "1201"),
    (CN + "O", "120110"),
    (CN + "Q", "950300"),
]
BASIC, REV1 = "HTS-2099-BASIC", "HTS-2099-REV-1"
EDITIONS = [
    ("HTS-2097", "2097-01-01", "2098-01-01", False),
    ("HTS-2098", "2098-01-01", "2099-01-01", False),
    (BASIC, "2099-01-01", "2099-07-01", True),
    (REV1, "2099-07-01", "", True),
]
#: (code, general rate, mfn_pct) of lines valid in both encoded editions
LINES = [
    ("95030000", "Free", "0"),
    ("9503000011", "", ""),
    ("9503000090", "", ""),
    ("42022130", "5.3%", "5.3"),
    ("42022160", "10%", "10"),
    ("4202219000", "", ""),
    ("84864000", "Free", "0"),
    ("8486400030", "", ""),
    ("8486400090", "", ""),
    ("87038000", "2.5%", "2.5"),
    ("72085100", "Free", "0"),
    ("73089095", "5.3%", "5.3"),
    ("85171300", "Free", "0"),
    ("22042100", "6.3¢/liter", ""),
    ("94035000", "Free", "0"),
]
#: (list id, kind, heading, rows: (code, edition, from, to, described))
LISTS = [
    (
        "USA-TEST-301",
        "products",
        "9903.88.03",
        [
            *(
                (c, "HTS-2097", "2097-07-01", "2099-01-01", False)
                for c in ("42022130", "42022190", "84864000", "87038000")
            ),
            *((c, BASIC, "2099-01-01", "", False) for c in ("42022130", "42022160", "42022190", "84864000")),
            ("87038000", BASIC, "2099-01-01", "2099-06-01", False),
        ],
    ),
    (
        "USA-TEST-EXCL",
        "exclusions",
        "9903.88.69",
        [
            ("8486400030", BASIC, "2099-01-01", "2099-12-01", False),
            ("4202219000", BASIC, "2099-01-01", "2099-12-01", True),
        ],
    ),
    ("USA-TEST-REVIEW", "products", "9903.91.03", [("87038000", BASIC, "2099-03-01", "", False)]),
    (
        "USA-TEST-ANNEX",
        "exceptions",
        "9903.01.32",
        [
            ("22042100", BASIC, "2099-04-01", "", False),
            ("84864000", BASIC, "2099-04-01", "", True),
        ],
    ),
    ("USA-TEST-ELEC", "exceptions", "9903.01.32", [("8517", BASIC, "2099-04-01", "", False)]),
    (
        "USA-TEST-STEEL",
        "products",
        "9903.81.87",
        [
            ("7208", BASIC, "2099-02-01", "", False),
            ("73089095", BASIC, "2099-02-01", "", True),
            ("87038000", BASIC, "2099-02-01", "", True),
        ],
    ),
    ("USA-TEST-AUTOS", "products", "9903.94.01", [("87038000", BASIC, "2099-05-01", "", False)]),
]
EVENT_LISTS = [
    (US + "301", "USA-TEST-301"),
    (US + "EXCL", "USA-TEST-EXCL"),
    (US + "REVIEW", "USA-TEST-REVIEW"),
    (US + "RECIP", "USA-TEST-ANNEX"),
    (US + "RECIP-ELEC", "USA-TEST-ELEC"),
    (US + "STEEL", "USA-TEST-STEEL"),
    (US + "AUTOS", "USA-TEST-AUTOS"),
]


def _write(path: Path, name: str, rows: list[dict[str, Any]]) -> None:
    names = [s.name for s in field_specs(table(name).model)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, names, restval="")
        writer.writeheader()
        writer.writerows(rows)


def _nomenclature() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    editions = [
        {
            "edition_id": e,
            "nomenclature": "HTS",
            "title": f"Synthetic {e}",
            "effective_date": a,
            "end_date": z,
            "lines_encoded": str(enc).lower(),
            "source_id": SOURCE,
        }
        for e, a, z, enc in EDITIONS
    ]
    lines = [
        {
            "nomenclature": "HTS",
            "code": code,
            "valid_from": "2099-01-01",
            "valid_to": "",
            "first_edition": BASIC,
            "last_edition": REV1,
            "description": "Synthetic line",
            "general_rate": rate,
            "mfn_pct": pct,
        }
        for code, rate, pct in LINES
    ]
    # 4202.21.90: 9% in the basic edition, 10% from revision 1
    lines.append(
        {
            "nomenclature": "HTS",
            "code": "42022190",
            "valid_from": "2099-01-01",
            "valid_to": "2099-07-01",
            "first_edition": BASIC,
            "last_edition": BASIC,
            "general_rate": "9%",
            "mfn_pct": "9",
        }
    )
    lines.append(
        {
            "nomenclature": "HTS",
            "code": "42022190",
            "valid_from": "2099-07-01",
            "valid_to": "",
            "first_edition": REV1,
            "last_edition": REV1,
            "general_rate": "10%",
            "mfn_pct": "10",
        }
    )
    return editions, lines


def _lists() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    lists, members = [], []
    for list_id, kind, heading, rows in LISTS:
        lists.append(
            {
                "list_id": list_id,
                "imposing": "USA",
                "title": f"Synthetic list {list_id}",
                "heading": heading,
                "kind": kind,
                "code_level": "mixed",
                "complete": "true",
                "source_id": SOURCE,
            }
        )
        for code, edition, start, stop, described in rows:
            members.append(
                {
                    "list_id": list_id,
                    "code": code,
                    "edition_id": edition,
                    "valid_from": start,
                    "valid_to": stop,
                    "scope": "described-goods" if described else "whole-line",
                    "source_id": SOURCE,
                }
            )
    links = [{"event_id": e, "list_id": lst, "source_id": SOURCE} for e, lst in EVENT_LISTS]
    return lists, members, links


def write_sources(folder: Path) -> None:
    """Every table of a valid synthetic source folder."""
    folder.mkdir(parents=True, exist_ok=True)
    products = [
        {"event_id": e, "hs_code": c, "hs_edition": "HS2022", "description": "Synthetic test product"}
        for e, c in PRODUCTS
    ]
    sector_codes = [
        {"sector_id": SECTOR, "classification": "HS2022", "code": c, "match": "partial"}
        for c in ("8541", "8542")
    ]
    citations = [{"table": "tariff_events", "record_id": e["event_id"], "source_id": SOURCE} for e in EVENTS]
    citations += [
        {"table": "tariff_event_products", "record_id": f"{e}|{c}", "source_id": SOURCE} for e, c in PRODUCTS
    ]
    citations += [{"table": "sectors", "record_id": SECTOR, "source_id": SOURCE}]
    citations += [
        {"table": "sector_codes", "record_id": f"{SECTOR}|HS2022|{r['code']}", "source_id": SOURCE}
        for r in sector_codes
    ]
    source = {
        "source_id": SOURCE,
        "title": "Synthetic test source",
        "publisher": "policydata tests",
        "url": "https://example.org/synthetic",
        "language": "en",
        "kind": "research",
        "checked": "true",
    }
    editions, lines = _nomenclature()
    lists, members, links = _lists()
    tables = {
        "sources": [source],
        "policies": [],
        "policy_sectors": [],
        "sectors": [{"sector_id": SECTOR, "scheme": "SEI", "name_en": "Test sector"}],
        "sector_codes": sector_codes,
        "tariff_events": EVENTS,
        "tariff_event_products": products,
        "citations": citations,
        "nomenclature_editions": editions,
        "tariff_lines": lines,
        "product_lists": lists,
        "product_list_lines": members,
        "product_list_counts": [],
        "tariff_event_lists": links,
    }
    for name, rows in tables.items():
        _write(folder / f"{name}.csv", name, rows)
    for name in TABLE_NAMES:  # the tables this synthetic release leaves empty
        if name not in tables:
            _write(folder / f"{name}.csv", name, [])
