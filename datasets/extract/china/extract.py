#!/usr/bin/env python3.11
"""China's retaliation product lists against US goods (2018-2025), by CN tariff line.

Run once; it writes, deterministically (sorted, LF, UTF-8), the complete set of rows it owns into
out/ (../combine.py merges every out/ into datasets/sources):

  out/product_lists.csv          (the CHN- lists)
  out/product_list_lines.csv     (the CHN- lists)
  out/nomenclature_editions.csv  (the CN- editions)
  out/sources.csv                (copies of the sources its rows cite, all curated in datasets/sources/sources.csv)
  out/event_lists.csv
  out/stated_counts.csv
  check_matrix_2025-03-28.csv
  COUNTS.md

Inputs are upstream files named by their sha256 (never committed). Copy them first with

  python3.11 extract.py fetch-inputs [--mirror MIRROR_DIR] [--inputs INPUTS_DIR]

(which runs ``git show COMMIT:PATH`` in the fetched snapshots listed in INPUTS and checks each
sha256; MIRROR_DIR defaults to $POLICYDATA_MIRROR_ROOT, INPUTS_DIR to ./inputs), then

  python3.11 extract.py build [--inputs INPUTS_DIR]

Extra libraries (install in a throwaway venv outside the repository, e.g.
``python3.11 -m venv VENV && VENV/bin/pip install openpyxl pdfplumber``):
  openpyxl   (reads the two Excel inputs)
  pdfplumber (reads the text layer of the two PDF annexes of 2025)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCES = ROOT / "datasets" / "sources"
sys.path.insert(0, str(HERE.parent))
from out_tables import out_dir, write_sources  # noqa: E402

OUT = out_dir(HERE)

# ---------------------------------------------------------------------------------------------
# Inputs: repository, commit, path, sha256.
# ---------------------------------------------------------------------------------------------
INPUTS = {
    # PIIE data file of Bown, Jung and Zhang (12 June 2019): sheet "China Tariff Rates" gives, by
    # Chinese HS10 line, China's tariff change on each date, taken from the MOF announcements.
    "piie": dict(
        repo="mwaugh0328/consumption_and_tradewar",
        commit="82c38f5b5924ae8682a9c0e9ed4e69e82bef055e",
        path="data/bown-jung-zhang-2019-06-12.xlsx",
        sha256="156b0ca9a333738e94c22573d6985c63627d3ee9aa496f742f0c111822eee9d4",
    ),
    # The MOF's own Excel annex of the s.232 countermeasure (128 lines, 1 April 2018).
    "s232": dict(
        repo="mitsuoxv/us-tariffs-on-china",
        commit="0665b94ceb802cca8954a7e32bfab2fbfabf214c",
        path="data/P020180401856022545193.xlsx",
        sha256="ea66152468e05aee4d62c7f76a9b9a55d965467379dc1b28c3855cf30f476e42",
    ),
    # Annexes 1 and 2 of 税委会公告2025年第2号 (PDF, 'WPS 表格', author shangmy).
    "farm15": dict(
        repo="tradewartracker/trade-war-redux-2025",
        commit="726c5958e1e43eb08ac076a1e602ae3149164b03",
        path="tariff-lists/china-15-030425.pdf",
        sha256="bbeb6114a6538615d56980ea99ad7aa3adef9dbc6dec62ea3b397ed6e8584772",
    ),
    "farm10": dict(
        repo="tradewartracker/trade-war-redux-2025",
        commit="726c5958e1e43eb08ac076a1e602ae3149164b03",
        path="tariff-lists/china-10-030425.pdf",
        sha256="fced9a2db9c762b57a7e27a76d917503fde8f5725cae87d1802041428f101cc9",
    ),
    # English reproduction of the same two annexes in the same repository (a check only).
    "farm10_en": dict(
        repo="tradewartracker/trade-war-redux-2025",
        commit="726c5958e1e43eb08ac076a1e602ae3149164b03",
        path="tariff-lists/china-10-percent-030425.csv",
        sha256="9c3c9490207b2eb3d4a6fe50ac6f0cef020eba5ba68382d8bb2517d44b7ff1db",
    ),
    "farm15_en": dict(
        repo="tradewartracker/trade-war-redux-2025",
        commit="726c5958e1e43eb08ac076a1e602ae3149164b03",
        path="tariff-lists/china-15-percent-030425.csv",
        sha256="3c5d0ee758b8295ca10c118d5e16b5e0a3499506105cefca2188390239e4d249",
    ),
    # US Commerce Department Retaliation Product Matrix of 2025-03-28 (a check only).
    "matrix": dict(
        repo="ihelfrich/retaliatory_tariffs",
        commit="24b6bb66235ef813bd47f975349864b76fc7b190",
        path="data/county_exposure/tariff_by_industry/raw/underlying_trade_retaliations.csv",
        sha256="a2e4961628c2d6d8805db9f18f5054643c1d35d174192baf120ec553ee41a73f",
    ),
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_dir(mirror: Path, repo: str) -> Path:
    base = mirror / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def fetch_inputs(mirror: Path, inputs: Path) -> None:
    inputs.mkdir(parents=True, exist_ok=True)
    for name, spec in INPUTS.items():
        data = subprocess.run(
            ["git", "--git-dir", str(git_dir(mirror, spec["repo"])), "show", f"{spec['commit']}:{spec['path']}"],
            check=True, capture_output=True,
        ).stdout
        digest = sha256(data)
        if digest != spec["sha256"]:
            sys.exit(f"{name}: sha256 {digest} != expected {spec['sha256']}")
        (inputs / digest).write_bytes(data)
        print(f"{name}: {len(data)} bytes -> {inputs / digest}")


def read_input(inputs: Path, name: str) -> bytes:
    spec = INPUTS[name]
    data = (inputs / spec["sha256"]).read_bytes()
    if sha256(data) != spec["sha256"]:
        sys.exit(f"{name}: file {inputs / spec['sha256']} does not match its sha256")
    return data


def read_from(name: str) -> str:
    s = INPUTS[name]
    return f"github.com/{s['repo']} {s['path']} @{s['commit']}"


# ---------------------------------------------------------------------------------------------
# Parsers
# ---------------------------------------------------------------------------------------------
def piie_columns(inputs: Path) -> dict[str, dict[str, set]]:
    """HS8 sets by (date column, tariff change) from the PIIE sheet 'China Tariff Rates'.

    The sheet has one row per Chinese HS10 line (28 rows carry an 'A'/'B' suffix) and, per date, the
    change of China's tariff on US goods. No HS8 has HS10 rows with different changes (checked).
    """
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(read_input(inputs, "piie")), read_only=True)
    rows = list(wb["China Tariff Rates"].iter_rows(values_only=True))
    header = [str(h).split("\n")[0] for h in rows[0]]
    col = {
        "2018-04-02": 3, "2018-07-06": 6, "2018-08-23": 7, "2018-09-24": 8,
        "2019-01-01-suspension": 11, "2019-06-01": 12,
    }
    expected = {3: "April 2, 2018", 6: "July 6, 2018", 7: "August 23, 2018", 8: "September 24, 2018",
                11: "January 1, 2019", 12: "June 1, 2019"}
    for i, h in expected.items():
        assert header[i] == h, (i, header[i])
    assert "Suspension" in str(rows[0][11])
    out: dict[str, dict[str, set]] = {}
    by8: dict[str, set] = defaultdict(set)
    for key, ci in col.items():
        sets: dict[str, set] = defaultdict(set)
        for r in rows[1:]:
            v = r[ci]
            if v not in (0, None, ""):
                sets[str(v)].add(str(r[0])[:8])
            by8[(key, str(r[0])[:8])].add(v)
        out[key] = dict(sets)
    mixed = [k for k, v in by8.items() if len(v) > 1]
    assert not mixed, mixed[:5]
    return out


def s232_annex(inputs: Path) -> list[tuple[str, str, str, int]]:
    """(item, code, description, rate) from the MOF xlsx '对美中止关税减让义务商品清单及加征关税税率'."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(read_input(inputs, "s232")))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "对美中止关税减让义务商品清单及加征关税税率", rows[1]
    assert rows[4] == ("序号", "税则号列", "商品名称", "加征关税税率(%)"), rows[4]
    out = []
    for r in rows[5:]:
        if r[1] is None:
            continue
        item, code, desc, rate = str(r[0]).strip(), str(r[1]).strip(), str(r[2]).strip(), int(r[3])
        assert re.fullmatch(r"\d{8}", code), code
        out.append((item, code, desc, rate))
    return out


def pdf_annex(inputs: Path, name: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(heading, [(item, code, description)]) from a 2025 annex PDF; wrapped descriptions joined."""
    import pdfplumber

    lines: list[str] = []
    with pdfplumber.open(io.BytesIO(read_input(inputs, name))) as pdf:
        for page in pdf.pages:
            lines += [ln.strip() for ln in (page.extract_text() or "").split("\n")]
    heading = lines[1]
    item_re = re.compile(r"^(\d{1,4}) (\d{8})(?: (.+))?$")
    furniture = re.compile(r"^(\d{1,3}|附件\d|加征\d+%关税商品清单|序号 税则号列① 商品名称②|注：.*|②.*|的税则号列对应的商品范围为准。)$")
    out: list[list[str]] = []
    pending: list[str] = []  # text lines that belong to a wrapped description
    for i, ln in enumerate(lines):
        m = item_re.match(ln)
        if m:
            desc = m.group(3)
            if desc is None:  # wrapped cell: text above and below the number line
                before = pending.pop() if pending else ""
                after = lines[i + 1] if i + 1 < len(lines) and not item_re.match(lines[i + 1]) else ""
                desc = before + after
                lines[i + 1] = "" if after else lines[i + 1]
            out.append([m.group(1), m.group(2), desc])
        elif ln and not furniture.match(ln):
            pending.append(ln)
    assert not pending, pending
    assert [int(x[0]) for x in out] == list(range(1, len(out) + 1)), "items not numbered 1..N"
    assert len({x[1] for x in out}) == len(out), "duplicate codes"
    return heading, [tuple(x) for x in out]


# ---------------------------------------------------------------------------------------------
# The lists
# ---------------------------------------------------------------------------------------------
# Codes read in excerpts of reproductions of the annexes (search corpus 'pages'); item -> code.
EXCERPTS = {
    # https://wanglu.net/thread/t12-126618-0.html : annex 1 of 税委会公告〔2019〕3号, items 1-45
    "CHN-2019-L3-A1": dict(enumerate(
        "01012900 01069090 02042200 02102000 02109900 03054120 04090000 04100049 04100090 05040011 "
        "05040012 05040029 05080010 05080090 05119990 06029099 06031900 06039000 06042010 06042090 "
        "06049090 07102100 07102900 07103000 08112000 08119090 08140000 09011100 09011200 09012100 "
        "09012200 09021010 09021090 09022090 09023010 09023090 09024090 09041100 09041200 09042200 "
        "09061900 09093200 09101200 09109100 09109900".split(), start=1)),
    # https://wanglu.net/thread/t12-450549-0.html : annex 3 of 税委会公告〔2019〕3号, items 1-46, and
    # http://qhj.3a0598.com/Info.aspx?Id=62121&ModelId=1 : aluminium items of the same annex
    "CHN-2019-L3-A3": {**dict(enumerate(
        "01061990 01062090 01064990 04081900 05059090 05119190 07101000 07102290 07104000 07108090 "
        "07109000 09019010 09096290 11041990 11051000 11061000 11081200 12024100 12071090 12112010 "
        "12129100 12129919 13021300 13023911 15122900 15151900 15219010 16023100 16023291 17019100 "
        "17021100 17021900 18061000 19011090 19023010 19043000 20029011 20029019 20029090 20041000 "
        "20051000 20081120 20081130 20081920 20083090 20086090".split(), start=1)),
        72: "25086000", 103: "28273200", 417: "68061010", 433: "69022000", 589: "76031000",
        590: "76042100", 591: "76042910", 592: "76052100", 593: "76052900", 594: "76061191",
        595: "76061290", 596: "76071120", 597: "76082099", 598: "76090000", 599: "76110000",
        600: "76129090", 601: "76130010"},
    # https://news.china.com/domestic/945/20180616/32536390_13.html : annex table 1 of
    # 税委会公告〔2018〕5号, items 536-545
    "CHN-2018-L1": {536: "87034072", 537: "87034090", 538: "87035052", 539: "87035090", 540: "87036000",
                    541: "87037000", 542: "87038000", 543: "87039000", 544: "87043100", 545: "87084099"},
}


def check_excerpts(lists: dict[str, list[str]]) -> None:
    """The annexes number their items in code order: each excerpt code must sit at its item number."""
    for list_id, items in EXCERPTS.items():
        codes = sorted(lists[list_id])
        bad = [(i, c, codes[i - 1]) for i, c in items.items() if codes[i - 1] != c]
        assert not bad, (list_id, bad)


PIIE_DOUBT = (
    "Membership read from the PIIE reconstruction (source piie-2019-bown-jung-zhang: Bown, Jung and "
    "Zhang, 12 June 2019, sheet 'China Tariff Rates', HS10 rows collapsed to their 8-digit line), not "
    "from the annex itself; the "
    "encoded count equals the count the announcement states. Item numbers and product names of the "
    "annex not read."
)


def build(inputs: Path) -> None:
    piie = piie_columns(inputs)

    def p(key: str, change: str) -> set[str]:
        return set(piie[key].get(change, set()))

    l1, l2 = p("2018-07-06", "25"), p("2018-08-23", "25")
    s10, s5 = p("2018-09-24", "10"), p("2018-09-24", "5")
    j15, j10, j5 = p("2019-06-01", "15"), p("2019-06-01", "10"), p("2019-06-01", "5")
    a25, a5 = p("2019-01-01-suspension", "-25"), p("2019-01-01-suspension", "-5")
    assert set(piie["2018-07-06"]) == {"25"} and set(piie["2018-08-23"]) == {"25"}
    assert set(piie["2018-09-24"]) == {"10", "5"} and set(piie["2019-06-01"]) == {"15", "10", "5"}
    assert set(piie["2019-01-01-suspension"]) == {"-25", "-5"}
    # 2018 No.6 annexes: annex 1-3 = the lines whose rate 税委会公告〔2019〕3号 raised by 15/10/5
    # points "按照税委会公告〔2018〕6号公告的税率"; annex 4 = the rest of the 5% tier of No.8.
    assert j15 | j10 == s10 and not j15 & j10 and j5 <= s5
    a4_2018 = s5 - j5
    assert a5 <= a4_2018
    a4_2019 = a4_2018 - a5
    auto1, auto2 = a25 & l1, a25 & l2
    assert auto1 | auto2 == a25

    s232 = s232_annex(inputs)
    s232_15 = {c for _, c, _, r in s232 if r == 15}
    s232_25 = {c for _, c, _, r in s232 if r == 25}
    assert s232_15 == p("2018-04-02", "15") and s232_25 == p("2018-04-02", "25"), "s.232 xlsx != PIIE"

    h15, farm15 = pdf_annex(inputs, "farm15")
    h10, farm10 = pdf_annex(inputs, "farm10")
    assert h15 == "加征15%关税商品清单" and h10 == "加征10%关税商品清单", (h15, h10)

    fent = fent_annex1()

    L = []  # (list meta dict, [line dicts])

    def piie_lines(codes, edition, vf, vt, source_id):
        return [dict(code=c, edition_id=edition, valid_from=vf, valid_to=vt, scope="whole-line",
                     description="", item="", source_id=source_id, uncertainty="") for c in sorted(codes)]

    L.append((dict(
        list_id="CHN-2018-232-T15", title="China: US goods on which tariff concessions were suspended in answer to the US s.232 steel and aluminium duties, additional duty 15% (annex to 税委会〔2018〕13号, rate 15)",
        kind="products", code_level="HS8", stated_lines="120",
        stated_in="xinhua-2018-232-suspension-effective (120 items at 15%, 8 at 25%); the annex's rate column gives 15 for 120 of its 128 items",
        uncertainty="", notes="Read from the MOF's own Excel annex (a byte copy in a public repository); the PIIE reconstruction gives the same 120 lines at +15 on 2018-04-02. Valid from the effective date 2018-04-02; no end found (event status unverified)."),
        [dict(code=c, edition_id="CN-2018", valid_from="2018-04-02", valid_to="", scope="whole-line", description=d,
              item=i, source_id="ctc-2018-13-annex", uncertainty="") for i, c, d, r in s232 if r == 15]))
    L.append((dict(
        list_id="CHN-2018-232-T25", title="China: US goods on which tariff concessions were suspended in answer to the US s.232 steel and aluminium duties, additional duty 25% (annex to 税委会〔2018〕13号, rate 25)",
        kind="products", code_level="HS8", stated_lines="8",
        stated_in="xinhua-2018-232-suspension-effective (120 items at 15%, 8 at 25%); the annex's rate column gives 25 for 8 of its 128 items",
        uncertainty="", notes="Read from the MOF's own Excel annex (a byte copy in a public repository); the PIIE reconstruction gives the same 8 lines at +25 on 2018-04-02. Valid from the effective date 2018-04-02; no end found (event status unverified)."),
        [dict(code=c, edition_id="CN-2018", valid_from="2018-04-02", valid_to="", scope="whole-line", description=d,
              item=i, source_id="ctc-2018-13-annex", uncertainty="") for i, c, d, r in s232 if r == 25]))

    L.append((dict(
        list_id="CHN-2018-L1", title="China: annex table 1 of 税委会公告〔2018〕5号, 545 US goods (agricultural products, autos, aquatic products) at an additional 25% from 2018-07-06",
        kind="products", code_level="HS8", stated_lines="545",
        stated_in="税委会公告〔2018〕5号, item 1 (545 items from 2018-07-06), as reported in cnhan-2018-ctc-50bn",
        uncertainty=PIIE_DOUBT + " Items 536-545 (87034072 ... 87084099) checked against an excerpt of the annex (news.china.com reproduction of the MOF text): same codes at the same positions of the list sorted by code.",
        notes="Valid from 2018-07-06; no end found (event status unverified). 28 lines were suspended from 2019-01-01 (list CHN-2019-AUTOS-A1)."),
        piie_lines(l1, "CN-2018", "2018-07-06", "", "ctc-2018-5-annex1")))
    L.append((dict(
        list_id="CHN-2018-L2", title="China: adjusted list 2 (对美加征关税商品清单二) annexed to 税委会公告〔2018〕7号, 333 US goods at an additional 25% from 2018-08-23",
        kind="products", code_level="HS8", stated_lines="", expect="333",
        stated_in="No count found in a legal text: the texts of 税委会公告〔2018〕7号 read (ctc-2018-7, xinhua-2018-ctc-16bn) give none. 333 is the figure of issue 9 and of tariff_events CHN-USA-2018-CTC-L2 (tariff_lines, marked unconfirmed there)",
        uncertainty=PIIE_DOUBT.replace("the encoded count equals the count the announcement states", "no count is stated in the texts read") + " The PIIE column 'August 23, 2018' has exactly 333 lines, the figure of issue 9 and of tariff_events.",
        notes="Replaces list 2 of 税委会公告〔2018〕5号 (114 items, never applied as such; not encoded: its annex was not read). Valid from 2018-08-23; no end found. 116 lines suspended from 2019-01-01 (CHN-2019-AUTOS-A2)."),
        piie_lines(l2, "CN-2018", "2018-08-23", "", "ctc-2018-7-annex")))

    tiers = [("A1", j15, "2493", "25%", "10% from 2018-09-24"), ("A2", j10, "1078", "20%", "10% from 2018-09-24"),
             ("A3", j5, "974", "10%", "5% from 2018-09-24"), ("A4", a4_2018, "662", "5%", "5% from 2018-09-24")]
    for a, codes, n, proposed, applied in tiers:
        k = a[1]
        L.append((dict(
            list_id=f"CHN-2018-L3-{a}", title=f"China: annex {k} of 税委会公告〔2018〕6号 ({n} US goods, proposed additional tariff {proposed}; applied at {applied} by 税委会公告〔2018〕8号)",
            kind="products", code_level="HS8", stated_lines=n,
            stated_in=f"税委会公告〔2018〕8号, item 1 (ctc-2018-8): annexes 1-4 of 税委会公告〔2018〕6号 have 2493 + 1078 + 974 + 662 lines; also 税委会公告〔2018〕6号, item 1 (2493 at 25%, 1078 at 20%, 974 at 10%, 662 at 5%) as reproduced at http://www.sd-tianyi.com/News-1116512.html",
            uncertainty=PIIE_DOUBT + (
                " Annexes 1-3 are identified by the rate rise of 2019-06-01 (15, 10 and 5 points), which 税委会公告〔2019〕3号 applies 'at the rates of 税委会公告〔2018〕6号'; annex 4 is the rest of the 5% tier."
                if a != "A4" else
                " Annex 4 is the 5% tier of 2018-09-24 less the 974 lines raised to 10% on 2019-06-01 (annex 3); 67 of its lines were suspended from 2019-01-01 (CHN-2019-AUTOS-A3)."),
            notes="Valid 2018-09-24 to 2019-06-01: from 2019-06-01 the goods are charged by the annexes of 税委会公告〔2019〕3号 (lists CHN-2019-L3-A1..A4), as the events CHN-USA-2018-CTC-L3-T10/T5 end then."),
            piie_lines(codes, "CN-2018", "2018-09-24", "2019-06-01", f"ctc-2018-6-annex{k}")))

    L.append((dict(
        list_id="CHN-2019-AUTOS-A1", title="China: annex 1 of 税委会公告〔2018〕10号, 28 US autos and parts lines of 税委会公告〔2018〕5号 on which the additional 25% is suspended from 2019-01-01",
        kind="exclusions", code_level="HS8", stated_lines="28", stated_in="税委会公告〔2018〕10号 (ctc-2018-10): 211 lines, annexes of 28, 116 and 67 lines",
        uncertainty=PIIE_DOUBT + " The annex is identified as the suspended lines (-25 on 2019-01-01) that belong to CHN-2018-L1.",
        notes="Suspension first for 2019-01-01 to 2019-03-31, then continued (see the events); no end found, so valid_to is empty. Codes are placed in CN-2018 although the suspension took effect with the 2019 schedule (not checked)."),
        piie_lines(auto1, "CN-2018", "2019-01-01", "", "ctc-2018-10-annexes")))
    L.append((dict(
        list_id="CHN-2019-AUTOS-A2", title="China: annex 2 of 税委会公告〔2018〕10号, 116 US autos and parts lines of 税委会公告〔2018〕7号 on which the additional 25% is suspended from 2019-01-01",
        kind="exclusions", code_level="HS8", stated_lines="116", stated_in="税委会公告〔2018〕10号 (ctc-2018-10): 211 lines, annexes of 28, 116 and 67 lines",
        uncertainty=PIIE_DOUBT + " The annex is identified as the suspended lines (-25 on 2019-01-01) that belong to CHN-2018-L2.",
        notes="As CHN-2019-AUTOS-A1."),
        piie_lines(auto2, "CN-2018", "2019-01-01", "", "ctc-2018-10-annexes")))
    L.append((dict(
        list_id="CHN-2019-AUTOS-A3", title="China: annex 3 of 税委会公告〔2018〕10号, 67 US autos and parts lines of the 5% tier of 税委会公告〔2018〕8号 on which the additional 5% is suspended from 2019-01-01",
        kind="exclusions", code_level="HS8", stated_lines="67", stated_in="税委会公告〔2018〕10号 (ctc-2018-10): 211 lines, annexes of 28, 116 and 67 lines",
        uncertainty=PIIE_DOUBT + " The annex is identified as the lines with -5 on 2019-01-01; all 67 are in annex 4 of 税委会公告〔2018〕6号 and none in the annexes of 税委会公告〔2019〕3号.",
        notes="As CHN-2019-AUTOS-A1. From 2019-06-01 annex 4 of 税委会公告〔2019〕3号 (595 lines) leaves these 67 lines out."),
        piie_lines(a5, "CN-2018", "2019-01-01", "", "ctc-2018-10-annexes")))

    tiers19 = [("A1", j15, "2493", "25%"), ("A2", j10, "1078", "20%"), ("A3", j5, "974", "10%"), ("A4", a4_2019, "595", "5%")]
    for a, codes, n, rate in tiers19:
        k = a[1]
        check = {
            "A1": " Items 1-45 checked against an excerpt of the annex (wanglu.net reproduction): same codes in the same order.",
            "A2": "",
            "A3": " Items 1-46 (wanglu.net reproduction) and 17 aluminium items between 72 and 601 (qhj.3a0598.com reproduction) checked against the annex: same codes at the same positions.",
            "A4": " Annex 4 is annex 4 of 税委会公告〔2018〕6号 less the 67 suspended auto lines (662 - 67 = 595).",
        }[a]
        L.append((dict(
            list_id=f"CHN-2019-L3-{a}", title=f"China: annex {k} of 税委会公告〔2019〕3号 (对美实施加征{rate}关税商品清单, {n} US goods at an additional {rate} from 2019-06-01)",
            kind="products", code_level="HS8", stated_lines=n,
            stated_in="税委会公告〔2019〕3号, item 1 (3a0598-2019-ctc-raise-text): 2493 lines at 25%, 1078 at 20%, 974 at 10%, 595 remain at 5%",
            uncertainty=PIIE_DOUBT + check + " Edition CN-2019 assumed for the annex codes (the annex note naming the schedule was not read); the PIIE table uses one code set for 2018 and 2019.",
            notes="Valid from 2019-06-01; no end found (event status unverified). China's product exclusion lists (2019-2020) are not encoded."),
            piie_lines(codes, "CN-2019", "2019-06-01", "", f"ctc-2019-3-annex{k}")))

    L.append((dict(
        list_id="CHN-2025-FENT-A1", title="China: annex 1 of 税委会公告2025年第1号, coal and liquefied natural gas, additional 15% from 2025-02-10",
        kind="products", code_level="HS8", stated_lines="8",
        stated_in="annex 1 heading 'List of goods subject to 15% tariff increase (8 items)' in the English translation energynow-2025-ctc-1-translation",
        uncertainty="Codes read in an English translation of the annex (as for tariff_event_products CHN-USA-2025-CTC-FENT-T15); the Chinese annex itself was not read.",
        notes="The same 8 lines as tariff_event_products for CHN-USA-2025-CTC-FENT-T15. Annex 2 (10%: crude oil, agricultural machinery, large-displacement cars, pickups) is not encoded: no complete copy found."),
        [dict(code=c, edition_id="CN-2025", valid_from="2025-02-10", valid_to="", scope="whole-line", description="",
              item=i, source_id="energynow-2025-ctc-1-translation", uncertainty="") for i, c in fent]))
    for a, items, rate, n in (("A1", farm15, "15%", len(farm15)), ("A2", farm10, "10%", len(farm10))):
        k = a[1]
        L.append((dict(
            list_id=f"CHN-2025-FARM-{a}", title=f"China: annex {k} of 税委会公告2025年第2号 (加征{rate}关税商品清单), US farm products at an additional {rate} from 2025-03-10",
            kind="products", code_level="HS8", stated_lines=str(n),
            stated_in=f"annex {k} of 税委会公告2025年第2号: items numbered 1 to {n} (no total is written)",
            uncertainty="",
            notes="Read from the annex PDF (copy in a public repository); codes are those of 《中华人民共和国进出口税则（2025）》 (annex note ①). Ended from 2025-11-10 (events CHN-USA-2025-CTC-FARM-T15/T10-END), so valid_to 2025-11-10."),
            [dict(code=c, edition_id="CN-2025", valid_from="2025-03-10", valid_to="2025-11-10", scope="whole-line",
                  description=d, item=i, source_id=f"ctc-2025-2-annex{k}", uncertainty="") for i, c, d in items]))

    check_excerpts({m["list_id"]: [l["code"] for l in ls] for m, ls in L})
    write_outputs(L, inputs, dict(farm15=farm15, farm10=farm10))


def fent_annex1() -> list[tuple[str, str]]:
    """The 8 lines of annex 1 of 税委会公告2025年第1号 as already recorded, with their row numbers."""
    rows = [r for r in csv.DictReader(open(SOURCES / "tariff_event_products.csv", encoding="utf-8"))
            if r["event_id"] == "CHN-USA-2025-CTC-FENT-T15"]
    rowno = {}
    for c in csv.DictReader(open(SOURCES / "citations.csv", encoding="utf-8")):
        if c["table"] == "tariff_event_products" and c["record_id"].startswith("CHN-USA-2025-CTC-FENT-T15|") \
                and c["source_id"] == "energynow-2025-ctc-1-translation":
            m = re.search(r"row (\d+)", c["locator"])
            rowno[c["record_id"].split("|")[1]] = m.group(1)
    assert len(rows) == 8 and set(rowno) == {r["hs_code"] for r in rows}
    return sorted(((rowno[r["hs_code"]], r["hs_code"]) for r in rows), key=lambda t: int(t[0]))


# ---------------------------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------------------------
LIST_COLS = ["list_id", "imposing", "title", "heading", "kind", "code_level", "stated_lines", "stated_in",
             "complete", "uncertainty", "notes"]
LINE_COLS = ["list_id", "code", "edition_id", "valid_from", "valid_to", "scope", "description", "item",
             "source_id", "uncertainty"]
EDITION_COLS = ["edition_id", "nomenclature", "title", "effective_date", "end_date", "hs_edition_id",
                "lines_encoded", "source_id", "uncertainty", "notes"]

EDITIONS = [
    dict(edition_id="CN-2018", nomenclature="CN", title="中华人民共和国进出口税则（2018） (Customs Import and Export Tariff of the PRC, 2018)",
         effective_date="2018-01-01", end_date="2019-01-01", hs_edition_id="HS-2017", lines_encoded="false",
         source_id="ctc-2018-5-annex1",
         uncertainty="Dates are the calendar year of the annual schedule; the schedule itself and its implementing notice were not read. The 2018 annexes read refer to 《中华人民共和国进出口税则》 without naming the year.",
         notes="Edition of the codes of China's 2018 lists (税委会〔2018〕13号, 税委会公告〔2018〕5号, 6号, 7号, 10号). Tariff lines are not encoded."),
    dict(edition_id="CN-2019", nomenclature="CN", title="中华人民共和国进出口税则（2019） (Customs Import and Export Tariff of the PRC, 2019)",
         effective_date="2019-01-01", end_date="2020-01-01", hs_edition_id="HS-2017", lines_encoded="false",
         source_id="ctc-2019-3-annex1",
         uncertainty="Dates are the calendar year of the annual schedule; neither the schedule nor the annex note naming it was read. end_date is the start of the 2020 schedule, which has no row here.",
         notes="Edition assumed for the codes of the annexes of 税委会公告〔2019〕3号. Tariff lines are not encoded."),
    dict(edition_id="CN-2025", nomenclature="CN", title="中华人民共和国进出口税则（2025） (Customs Import and Export Tariff of the PRC, 2025)",
         effective_date="2025-01-01", end_date="", hs_edition_id="HS-2022", lines_encoded="false",
         source_id="ctc-2025-2-annex1",
         uncertainty="effective_date is the calendar year of the annual schedule; the schedule itself was not read. end_date left empty because no later CN edition has a row here (the 2026 schedule presumably replaced it on 2026-01-01; not read).",
         notes="Named in note ① of the annexes of 税委会公告2025年第2号: '税则号列为《中华人民共和国进出口税则（2025）》的税则号列'. Tariff lines are not encoded."),
]

EVENT_LISTS = [
    ("CHN-USA-2018-232-R15", "CHN-2018-232-T15"), ("CHN-USA-2018-232-R25", "CHN-2018-232-T25"),
    ("CHN-USA-2018-CTC-L1", "CHN-2018-L1"), ("CHN-USA-2018-CTC-L2", "CHN-2018-L2"),
    ("CHN-USA-2018-CTC-L3-T10", "CHN-2018-L3-A1"), ("CHN-USA-2018-CTC-L3-T10", "CHN-2018-L3-A2"),
    ("CHN-USA-2018-CTC-L3-T5", "CHN-2018-L3-A3"), ("CHN-USA-2018-CTC-L3-T5", "CHN-2018-L3-A4"),
    ("CHN-USA-2019-CTC-AUTOS-L1", "CHN-2019-AUTOS-A1"), ("CHN-USA-2019-CTC-AUTOS-L2", "CHN-2019-AUTOS-A2"),
    ("CHN-USA-2019-CTC-AUTOS-L3T5", "CHN-2019-AUTOS-A3"),
    ("CHN-USA-2019-CTC-L3-T25", "CHN-2019-L3-A1"), ("CHN-USA-2019-CTC-L3-T20", "CHN-2019-L3-A2"),
    ("CHN-USA-2019-CTC-L3-T10", "CHN-2019-L3-A3"), ("CHN-USA-2019-CTC-L3-T5", "CHN-2019-L3-A4"),
    ("CHN-USA-2025-CTC-FENT-T15", "CHN-2025-FENT-A1"),
    ("CHN-USA-2025-CTC-FARM-T15", "CHN-2025-FARM-A1"), ("CHN-USA-2025-CTC-FARM-T15-END", "CHN-2025-FARM-A1"),
    ("CHN-USA-2025-CTC-FARM-T10", "CHN-2025-FARM-A2"), ("CHN-USA-2025-CTC-FARM-T10-END", "CHN-2025-FARM-A2"),
]

# Rates each list adds on 2025-03-28 (for the check against the Commerce matrix of that date).
RATE_ON_2025_03_28 = {
    "CHN-2018-232-T15": 15, "CHN-2018-232-T25": 25, "CHN-2018-L1": 25, "CHN-2018-L2": 25,
    "CHN-2019-L3-A1": 25, "CHN-2019-L3-A2": 20, "CHN-2019-L3-A3": 10, "CHN-2019-L3-A4": 5,
    "CHN-2025-FENT-A1": 15, "CHN-2025-FARM-A1": 15, "CHN-2025-FARM-A2": 10,
}
SUSPENSIONS = {"CHN-2019-AUTOS-A1": "CHN-2018-L1", "CHN-2019-AUTOS-A2": "CHN-2018-L2"}


def write_csv(path: Path, cols: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in cols})
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_outputs(L, inputs: Path, farm) -> None:
    known_sources = {r["source_id"] for r in csv.DictReader(open(SOURCES / "sources.csv", encoding="utf-8"))}
    known_events = {r["event_id"] for r in csv.DictReader(open(SOURCES / "tariff_events.csv", encoding="utf-8"))}
    lists, lines, counts = [], [], []
    for meta, ls in L:
        meta = dict(meta, imposing="CHN", heading="", complete="true")
        n = len(ls)
        assert n == len({l["code"] for l in ls})
        expect = meta.pop("expect", None) or meta["stated_lines"]
        assert str(n) == expect, (meta["list_id"], n, expect)
        for l in ls:
            assert re.fullmatch(r"\d{8}", l["code"]) and l["source_id"] in known_sources, l
        lists.append(meta)
        lines += [dict(l, list_id=meta["list_id"]) for l in ls]
        counts.append(dict(list_id=meta["list_id"], snapshot=f"{ls[0]['source_id']} ({ls[0]['edition_id']}, from {ls[0]['valid_from']})",
                           level="HS8", stated=meta["stated_lines"], encoded=str(n)))
    lists.sort(key=lambda r: r["list_id"])
    lines.sort(key=lambda r: (r["list_id"], r["code"], r["valid_from"]))
    counts.sort(key=lambda r: r["list_id"])
    for e, l in EVENT_LISTS:
        assert e in known_events and l in {m["list_id"] for m in lists}, (e, l)
    for ed in EDITIONS:
        assert ed["source_id"] in known_sources, ed
    write_csv(OUT / "product_lists.csv", LIST_COLS, lists)
    write_csv(OUT / "product_list_lines.csv", LINE_COLS, lines)
    write_csv(OUT / "nomenclature_editions.csv", EDITION_COLS, EDITIONS)
    write_csv(OUT / "event_lists.csv", ["event_id", "list_id"], [dict(event_id=e, list_id=l) for e, l in sorted(EVENT_LISTS)])
    write_csv(OUT / "stated_counts.csv", ["list_id", "snapshot", "level", "stated", "encoded"], counts)
    write_sources(OUT / "sources.csv", [], {l["source_id"] for l in lines} | {ed["source_id"] for ed in EDITIONS})
    matrix_summary = check_matrix(inputs, lines)
    en_summary = check_english(inputs, farm)
    write_counts_md(lists, counts, matrix_summary, en_summary)
    print(f"{len(lists)} lists, {len(lines)} lines")


def check_matrix(inputs: Path, lines: list[dict]) -> dict:
    """Combined rate per CN-2025 line in the Commerce matrix of 2025-03-28 vs the encoded lists."""
    members: dict[str, set] = defaultdict(set)
    for l in lines:
        if (not l["valid_from"] or l["valid_from"] <= "2025-03-28") and (not l["valid_to"] or l["valid_to"] > "2025-03-28"):
            members[l["code"]].add(l["list_id"])
    text = read_input(inputs, "matrix").decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["Country"] == "China"]
    out, tally = [], Counter()
    for r in rows:
        code = r[" Foreign National Tariff Line"].strip()
        rate = float(r["Current Total Estimated Retaliatory Tariff"].rstrip("%"))
        ls = members.get(code, set())
        exp = sum(RATE_ON_2025_03_28.get(x, 0) for x in ls
                  if not any(s in ls and SUSPENSIONS[s] == x for s in SUSPENSIONS))
        diff = round(rate - exp, 2)
        status = "equal" if diff == 0 else ("matrix-higher" if diff > 0 else "matrix-lower")
        tally[(status, diff)] += 1
        out.append(dict(code=code, matrix_rate_pct=f"{rate:g}", encoded_lists=" ".join(sorted(ls)),
                        encoded_rate_pct=f"{exp:g}", difference_pct=f"{diff:g}", status=status))
    out.sort(key=lambda r: r["code"])
    write_csv(HERE / "check_matrix_2025-03-28.csv", list(out[0]), out)
    in_lists = {l["code"] for l in lines if l["list_id"] in RATE_ON_2025_03_28 and l["edition_id"] == "CN-2025"}
    matrix_codes = {r["code"] for r in out}
    autos = Counter()
    by_code = {r["code"]: r for r in out}
    for l in lines:
        if l["list_id"].startswith("CHN-2019-AUTOS-"):
            r = by_code.get(l["code"])
            autos[(l["list_id"], r["matrix_rate_pct"] if r else "absent")] += 1
    return dict(rows=len(out), tally=tally, cn2025_missing=sorted(in_lists - matrix_codes), autos=autos)


def check_english(inputs: Path, farm) -> dict:
    res = {}
    for name, key in (("farm15_en", "farm15"), ("farm10_en", "farm10")):
        rows = [r for r in csv.reader(io.StringIO(read_input(inputs, name).decode("utf-8-sig"))) if r]
        en = {r[0]: r[1].zfill(8) for r in rows}
        pdf = {i: c for i, c, _ in farm[key]}
        res[key] = dict(en_rows=len(rows), pdf_items=len(pdf),
                        same=sum(1 for i in en if pdf.get(i) == en[i]),
                        differ=sorted((i for i in en if pdf.get(i) != en[i]), key=int),
                        missing=sorted((i for i in pdf if i not in en), key=int))
    return res


def write_counts_md(lists, counts, m, en) -> None:
    t = ["# China's retaliation lists: counts and checks", "",
         "Generated by `extract.py build`; do not edit by hand.", "",
         "## Encoded lines against the count the legal text states", "",
         "| list_id | snapshot | level | stated | encoded | equal |", "|---|---|---|---|---|---|"]
    for c in counts:
        eq = "yes" if c["stated"] == c["encoded"] else ("not stated (333 in issue 9 and tariff_events, unconfirmed)" if not c["stated"] else "NO")
        t.append(f"| {c['list_id']} | {c['snapshot']} | {c['level']} | {c['stated'] or '-'} | {c['encoded']} | {eq} |")
    t += ["", "Where each count is stated: see `stated_in` in `out/product_lists.csv` (and `datasets/sources/product_list_counts.csv`).", "",
          "Identities the script asserts (PIIE sheet 'China Tariff Rates', HS8 = first 8 digits of its HS10 rows):", "",
          "- 2018-04-02: 120 lines +15 and 8 lines +25 = the 128 items of the MOF Excel annex, code for code;",
          "- 2018-07-06: 545 lines +25; 2018-08-23: 333 lines +25; 2018-09-24: 3571 lines +10 (2493 + 1078) and 1636 lines +5 (974 + 662);",
          "- 2019-01-01 (suspension): 144 lines -25 (28 in the 2018-07-06 list, 116 in the 2018-08-23 list) and 67 lines -5 (all in the 5% tier, none raised on 2019-06-01);",
          "- 2019-06-01: 2493 lines +15, 1078 lines +10 (together exactly the 10% tier), 974 lines +5 (inside the 5% tier); 1636 - 974 - 67 = 595;",
          "- no 8-digit line has HS10 rows with different changes on any of these dates.", "",
          "## Checks against excerpts of the annexes", "",
          "Read in the `pages` search corpus (excerpts from the start of each page; not whole annexes); the script asserts each (`EXCERPTS`):", "",
          "- https://wanglu.net/thread/t12-126618-0.html: annex 1 of 税委会公告〔2019〕3号, items 1-45: equal to the first 45 codes of CHN-2019-L3-A1 in code order;",
          "- https://wanglu.net/thread/t12-450549-0.html: annex 3 of 税委会公告〔2019〕3号, items 1-46: equal to the first 46 codes of CHN-2019-L3-A3;",
          "- http://qhj.3a0598.com/Info.aspx?Id=62121&ModelId=1 (source 3a0598-2019-ctc-raise-text): 17 aluminium items of annex 3 (items 72, 103, 417, 433, 589-601): each code is at that position of CHN-2019-L3-A3 in code order;",
          "- https://news.china.com/domestic/945/20180616/32536390_13.html: items 536-545 of annex table 1 of 税委会公告〔2018〕5号: each code is at that position of CHN-2018-L1 in code order.", "",
          "## 税委会公告2025年第2号: PDF annexes against the English CSVs in the same repository", ""]
    for k, v in en.items():
        t.append(f"- {k}: PDF {v['pdf_items']} items; CSV {v['en_rows']} rows; same code at the same item number: {v['same']}; "
                 f"different: {', '.join(v['differ']) or 'none'}; items missing from the CSV: {', '.join(v['missing']) or 'none'}.")
    t += ["", "The PDF annexes are the text encoded; the CSVs are a partial English reproduction.", "",
          "## US Commerce Retaliation Product Matrix, 2025-03-28 (check only)", "",
          f"{m['rows']} Chinese CN-2025 lines with the combined additional rate on 2025-03-28, compared with the sum of the rates of the encoded lists in force that day "
          "(232: 15/25; 2018 L1, L2: 25, less the suspended autos; 2019 L3 annexes: 25/20/10/5; 2025 FENT annex 1: 15; 2025 FARM annexes: 15/10). "
          "Codes are matched as strings although the 2018/2019 lists are in CN-2018/CN-2019 codes. Per line: `check_matrix_2025-03-28.csv`.", "",
          "| status | matrix minus encoded (points) | lines |", "|---|---|---|"]
    for (st, d), n in sorted(m["tally"].items(), key=lambda kv: -kv[1]):
        t.append(f"| {st} | {d:g} | {n} |")
    t += ["", "Expected residuals: +5 and +2.5 are the first batch of the 2019 list (税委会公告〔2019〕4号 annex 1 at 10%/5%, halved from 2020-02-14), not encoded; "
          "+10 includes annex 2 of 税委会公告2025年第1号 (crude oil, agricultural machinery, cars, pickups), not encoded; other residuals come from code changes between "
          "CN-2018/2019 and CN-2025 and from measures not encoded (tariff exclusions).",
          f"CN-2025 lines of the encoded 2025 lists absent from the matrix: {', '.join(m['cn2025_missing']) or 'none'}.", "",
          "Suspended autos (税委会公告〔2018〕10号; no end of the suspension found, so the encoded rate is 0): the matrix gives "
          + "; ".join(f"{lid} lines at {rate}%: {n}" if rate != "absent" else f"{lid} lines absent from the matrix: {n}"
                      for (lid, rate), n in sorted(m["autos"].items()))
          + ". So the matrix charges the 25% layer of lists 1 and 2 on most suspended autos (35% is presumably 25% plus the 10% of "
          "annex 2 of 税委会公告2025年第1号 on large cars; that annex was not read) while the 67 lines of the 5% layer are absent from it: "
          "either the suspension of the 25% layer ended by a document not found here, or the matrix does not apply it. "
          "Not resolved; the lists and events are unchanged.", ""]
    (HERE / "COUNTS.md").write_text("\n".join(t), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["fetch-inputs", "build"])
    ap.add_argument("--inputs", type=Path, default=HERE / "inputs")
    ap.add_argument("--mirror", type=Path, default=None, help="default: $POLICYDATA_MIRROR_ROOT")
    a = ap.parse_args()
    if a.command == "fetch-inputs":
        mirror = a.mirror or (Path(os.environ["POLICYDATA_MIRROR_ROOT"]) if os.environ.get("POLICYDATA_MIRROR_ROOT") else None)
        if mirror is None:
            sys.exit("fetch-inputs: pass --mirror or set POLICYDATA_MIRROR_ROOT")
        fetch_inputs(mirror, a.inputs)
    else:
        build(a.inputs)


if __name__ == "__main__":
    main()
