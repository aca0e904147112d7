"""The files of a release: checksums, the version syntax, and writing files and folders atomically.

Everything that writes into a release folder, the cache or the index goes through
:func:`atomic_file` or :func:`atomic_dir`: a file or folder appears complete, in one rename, or not
at all.

Examples
--------
>>> is_version("2026.11.7"), is_version("2026.13.0"), is_version("../x")
(True, False, False)
>>> sorted(["2026.11.0", "2026.9.3"], key=version_key)
['2026.9.3', '2026.11.0']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Final

from policydata.errors import IntegrityError, ReleaseNotFoundError

#: A data release's calendar version: YYYY.M.N (month without a leading zero).
VERSION_RE: Final = re.compile(r"^\d{4}\.(?:[1-9]|1[0-2])\.\d+$")
#: A file a release may hold: a plain name, no folder, no hidden file.
SAFE_NAME_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def is_version(value: str) -> bool:
    """True when ``value`` is a release version (it becomes part of paths and addresses)."""
    return VERSION_RE.match(value) is not None


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a release version: ``2026.11.0`` sorts after ``2026.9.3``.

    Raises
    ------
    ReleaseNotFoundError
        If ``version`` is not a release version.
    """
    if not is_version(version):
        raise ReleaseNotFoundError(
            f"{version!r} is not a release version.", hint="Versions look like 2026.11.0 (YYYY.M.N)."
        )
    return tuple(int(x) for x in version.split("."))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_checksums(path: Path) -> dict[str, str]:
    """Parse a ``SHA256SUMS`` file (``<hex>  <name>`` per line); every name must be a plain file name.

    Raises
    ------
    IntegrityError
        On a malformed line, or a name that is not a plain file name in the release's own folder.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise IntegrityError(
            f"{path} is not UTF-8 text.", hint="The release is damaged; download or rebuild it."
        ) from None
    sums = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise IntegrityError(
                f"{path}, line {number}: expected '<sha256>  <file name>', found {line!r}.",
                hint="The release is damaged; download or rebuild it.",
            )
        check_member_name(name, f"{path}, line {number}")
        sums[name] = digest
    return sums


def check_member_name(name: str, where: str) -> str:
    """Refuse a file name that is not a plain name inside the release folder (``..``, ``/``, ...)."""
    if not SAFE_NAME_RE.match(name) or name in (".", ".."):
        raise IntegrityError(
            f"{where} names the file {name!r}, which is not a plain file name inside the release folder.",
            hint="The release is damaged or was tampered with; remove it ('policydata cache clear') "
            "and download it again.",
        )
    return name


def summarise(names: Iterable[str], limit: int = 5) -> str:
    """A short list of names for a message: the first few, then how many more.

    Examples
    --------
    >>> summarise(["a", "b"])
    'a, b'
    >>> summarise([f"f{i}" for i in range(100_000)], limit=2)
    'f0, f1 and 99,998 more'
    """
    items = list(names)
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit:,} more"


def write_zip(out: IO[bytes], members: Mapping[str, bytes], prefix: str, as_of: str) -> None:
    """Write a release archive: ``members`` under the folder ``prefix/``, byte for byte the same every time.

    Sorted members, stored uncompressed, a fixed time stamp (the as-of date) and fixed
    permissions: the archive is a function of its members alone, so the sha256 the index records
    for it also vouches for the files unpacked from it. ``out`` must be seekable.
    """
    day = dt.date.fromisoformat(as_of)
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
            info.create_system = 3  # unix, so the permission bits below mean the same everywhere
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, members[name])


def checksums_text(folder: Path, names: Iterable[str]) -> str:
    """The ``SHA256SUMS`` content for files of ``folder``, sorted by name."""
    return "".join(f"{sha256_file(folder / n)}  {n}\n" for n in sorted(names))


def same_checksums(found: Mapping[str, str], expected: Mapping[str, str]) -> list[str]:
    """Names whose checksum differs or that only one side lists, sorted."""
    return sorted(n for n in set(found) | set(expected) if found.get(n) != expected.get(n))


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it onto ``path`` in one rename.

    On an exception the temporary file is removed and ``path`` is left as it was. ``mode`` is
    ``"w"`` (replace) or ``"x"`` (refuse when ``path`` exists, checked before writing).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_file(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    if mode == "x" and path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(target: Path, *, replace: bool = False) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success rename it to ``target``.

    On an exception the staging folder is removed. ``target`` must not exist unless ``replace``
    is true, in which case the old folder is removed just before the rename. Staging folders are
    named ``.<target name>.<random>`` so that a clean-up can find what a killed process left.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not replace:
        raise FileExistsError(target)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        yield staging
        os.chmod(staging, 0o755)
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def staging_leftovers(parent: Path, name: str) -> list[Path]:
    """What interrupted :func:`atomic_dir` or :func:`atomic_file` calls for ``name`` left in ``parent``."""
    if not parent.is_dir():
        return []
    return sorted(parent.glob(f".{name}.*"))
