"""The package facade: public names pinned (``__all__`` cannot drift), and ``import policydata`` light."""

import json
import subprocess
import sys

import policydata

EXPECTED = {
    "SCHEMA_VERSION",
    "BuildError",
    "Chain",
    "CacheError",
    "DataValidationError",
    "DatasetInfo",
    "DownloadError",
    "IntegrityError",
    "InvalidArgumentError",
    "MissingDependencyError",
    "OfflineError",
    "PolicyDataError",
    "Problem",
    "QueryError",
    "Release",
    "ReleaseDiff",
    "ReleaseNotFoundError",
    "Report",
    "SchemaVersionError",
    "SettingError",
    "UnknownColumnError",
    "UnknownTableError",
    "UnsafeArchiveError",
    "__version__",
    "chain",
    "citations",
    "diff",
    "list_datasets",
    "load",
    "nomenclature_editions",
    "open_release",
    "policies",
    "policy_sectors",
    "product_list_counts",
    "product_list_lines",
    "product_lists",
    "records",
    "sector_codes",
    "sectors",
    "sources",
    "sql",
    "tariff_event_lists",
    "tariff_event_products",
    "tariff_events",
    "tariff_lines",
    "validate",
}


def test_all_is_pinned() -> None:
    assert set(policydata.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    for name in policydata.__all__:
        assert hasattr(policydata, name), name


def test_public_module_members_are_exported() -> None:
    public = {n for n in vars(policydata) if not n.startswith("_")}
    # submodules become attributes once imported; they are not API names
    modules = {n for n in public if type(getattr(policydata, n)).__name__ == "module"}
    assert public - modules <= EXPECTED


def test_errors_share_one_root_and_have_unique_codes() -> None:
    errors = [getattr(policydata, n) for n in EXPECTED if n.endswith("Error")]
    assert all(issubclass(e, policydata.PolicyDataError) for e in errors)
    codes = [e.code for e in errors]
    assert len(codes) == len(set(codes))


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
