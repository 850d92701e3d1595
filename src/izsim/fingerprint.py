"""Which izsim code is running: its version and a digest of its installed sources.

A comparison's results depend on the model's code as much as on its scenario and seed, and the
version number alone does not change while the code is being worked on. The fingerprint hashes
every file of the imported ``izsim`` package (its modules and package data), so a results folder
can refuse runs from other code and say which files differ.
"""

from __future__ import annotations

import functools
import hashlib
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["SHORT_DIGEST", "code_changes", "code_fingerprint"]

SHORT_DIGEST = 16
"""Hex characters kept of each file's SHA-256 in the per-file map: enough to tell files apart,
short enough that the map stays readable in ``config.json``."""


def _package_dir() -> Path:
    import izsim

    return Path(izsim.__file__).resolve().parent


def _version() -> str:
    try:
        return version("izsim")
    except PackageNotFoundError:  # a source tree on PYTHONPATH that was never installed
        import izsim

        return str(getattr(izsim, "__version__", "0+unknown"))


def _source_files(root: Path) -> list[tuple[str, Path]]:
    """Every file of the package by relative POSIX path, sorted; bytecode caches and hidden
    files (editor swap files, ``.DS_Store``) are not part of the code."""
    found = []
    for folder, dirs, names in os.walk(root):
        # pruning in place keeps os.walk out of the caches
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        for name in names:
            if name.startswith(".") or name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder, name)
            found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


@functools.cache
def code_fingerprint() -> dict[str, Any]:
    """The running izsim's version and the SHA-256 of its sources, computed once per process.

    Returns:
        ``{"version": ..., "sources_sha256": ..., "files": {relative path: short sha256}}``.
        ``sources_sha256`` hashes, in path order, each file's relative path and the SHA-256 of
        its contents, so renaming a file changes it as well as editing one. ``files`` lets a
        refusal name the files that changed. Callers must not modify the returned dict (it is
        shared by every caller in the process).
    """
    total = hashlib.sha256()
    files: dict[str, str] = {}
    for rel, path in _source_files(_package_dir()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        # NUL and newline cannot both occur in a path, so the stream decodes one way only
        total.update(f"{rel}\0{digest}\n".encode())
        files[rel] = digest[:SHORT_DIGEST]
    return {"version": _version(), "sources_sha256": total.hexdigest(), "files": files}


def code_changes(old: dict[str, Any], new: dict[str, Any], limit: int = 10) -> str:
    """What differs between two fingerprints, in words: version and files.

    Args:
        old: the fingerprint recorded earlier (as read back from JSON).
        new: the running code's fingerprint.
        limit: file names listed before the rest are counted ("and N more").

    Returns:
        For instance ``"izsim 0.1.0 → 0.2.0; edited: model/firm.py; added: model/bank.py"``.
    """
    old_files = old.get("files") if isinstance(old.get("files"), dict) else {}
    new_files = new.get("files") or {}
    parts = []
    if old.get("version") != new.get("version"):
        parts.append(f"izsim {old.get('version')} → {new.get('version')}")
    else:
        parts.append(f"izsim {new.get('version')} in both, with other sources")
    edited = sorted(f for f in new_files if f in old_files and old_files[f] != new_files[f])
    groups = (
        ("edited", edited),
        ("added", sorted(f for f in new_files if f not in old_files)),
        ("removed", sorted(f for f in old_files if f not in new_files)),
    )
    names = [(label, f) for label, found in groups for f in found]
    shown = names[:limit]
    for label, _ in groups:
        listed = [f for lab, f in shown if lab == label]
        if listed:
            parts.append(f"{label}: {', '.join(listed)}")
    if len(names) > limit:
        parts.append(f"and {len(names) - limit} more")
    if not names and old.get("sources_sha256") != new.get("sources_sha256"):
        parts.append("the sources differ (the folder names no files)")
    return "; ".join(parts)
