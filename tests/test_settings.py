"""Every environment variable is read and checked in ``policydata.settings``, and only there."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import policydata
from policydata import settings
from policydata.errors import SettingError


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        (settings.ENV_DOWNLOAD_TIMEOUT, "0"),
        (settings.ENV_DOWNLOAD_TIMEOUT, "-1"),
        (settings.ENV_DOWNLOAD_TIMEOUT, "nan"),
        (settings.ENV_DOWNLOAD_TIMEOUT, "inf"),
        (settings.ENV_DOWNLOAD_TIMEOUT, "soon"),
        (settings.ENV_DOWNLOAD_RETRIES, "inf"),
        (settings.ENV_DOWNLOAD_RETRIES, "nan"),
        (settings.ENV_DOWNLOAD_RETRIES, "1.5"),
        (settings.ENV_DOWNLOAD_RETRIES, "-1"),
        (settings.ENV_DOWNLOAD_RETRIES, "1000"),
        (settings.ENV_RELEASES_URL, "file:///etc/passwd"),
        (settings.ENV_RELEASES_URL, "ftp://example.org/x"),
        (settings.ENV_RELEASES_URL, "http://"),
        (settings.ENV_RELEASES_URL, "not a url"),
        (settings.ENV_RELEASES_URL, "http://example.org:port/x"),
        (settings.ENV_OFFLINE, "maybe"),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    reader = {
        settings.ENV_DOWNLOAD_TIMEOUT: settings.download_timeout,
        settings.ENV_DOWNLOAD_RETRIES: settings.download_retries,
        settings.ENV_RELEASES_URL: settings.releases_url,
        settings.ENV_OFFLINE: settings.offline,
    }[variable]
    with pytest.raises(SettingError) as info:
        reader()
    assert info.value.code == "invalid-setting"
    assert info.value.variable == variable


@pytest.mark.parametrize(
    ("variable", "value", "reader", "expected"),
    [
        (settings.ENV_DOWNLOAD_TIMEOUT, "2.5", settings.download_timeout, 2.5),
        (settings.ENV_DOWNLOAD_RETRIES, "0", settings.download_retries, 0),
        (settings.ENV_DOWNLOAD_RETRIES, "3", settings.download_retries, 3),
        (
            settings.ENV_RELEASES_URL,
            "https://mirror.example.org/r/",
            settings.releases_url,
            "https://mirror.example.org/r",
        ),
        (settings.ENV_OFFLINE, "yes", settings.offline, True),
        (settings.ENV_OFFLINE, "0", settings.offline, False),
    ],
)
def test_good_values_are_read(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reader: object, expected: object
) -> None:
    monkeypatch.setenv(variable, value)
    assert reader() == expected  # type: ignore[operator]


def test_a_password_in_the_releases_url_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_RELEASES_URL, "ftp://me:s3cret@example.org/x")
    with pytest.raises(SettingError) as info:
        settings.releases_url()
    assert "s3cret" not in str(info.value)


def test_only_settings_reads_the_environment() -> None:
    package = Path(policydata.__file__).parent
    readers = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "settings.py" and path.parent == package:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = ast.unparse(node) if isinstance(node, ast.Attribute | ast.Call) else ""
            if text.startswith(("os.environ", "os.getenv")):
                readers.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not readers
