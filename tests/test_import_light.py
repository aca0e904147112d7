"""``import policydata`` must not import the heavy libraries."""

import json
import subprocess
import sys

HEAVY = ("pandas", "pandera", "polars", "pyarrow", "duckdb", "pydantic", "frictionless")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}; import sys, json; print(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_policydata_imports_no_heavy_library() -> None:
    loaded = _modules_after("import policydata")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_loading_arrow_does_not_import_pandas() -> None:
    loaded = _modules_after("import policydata; policydata.load('sources', backend='arrow')")
    assert "pyarrow" in loaded
    assert "pandas" not in loaded
    assert "pandera" not in loaded
