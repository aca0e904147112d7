"""The public names of ``policydata`` are pinned, so ``__all__`` cannot drift unnoticed."""

import policydata

EXPECTED = {
    "SCHEMA_VERSION",
    "BuildError",
    "DataValidationError",
    "DatasetInfo",
    "DownloadError",
    "IntegrityError",
    "InvalidArgumentError",
    "MissingDependencyError",
    "OfflineError",
    "PolicyDataError",
    "Problem",
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
    "citations",
    "diff",
    "list_datasets",
    "load",
    "open_release",
    "policies",
    "policy_sectors",
    "records",
    "sector_codes",
    "sectors",
    "sources",
    "tariff_event_products",
    "tariff_events",
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
