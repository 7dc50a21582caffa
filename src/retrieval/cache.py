"""An on-disk cache of per-article artefacts (passages, vectors, extracted quotes).

Each entry is a directory named by a key that covers everything its contents depend on (article bytes,
model, chunking parameters, library versions). An entry is written to a temporary directory and renamed
into place, so readers never see half an entry; its manifest, written last, records a checksum of every
file, so a corrupt or truncated entry is detected on load and rebuilt.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CACHE_FORMAT = 1


def digest(data: bytes) -> str:
    """sha256 hex digest."""
    return hashlib.sha256(data).hexdigest()


def package_versions(packages: Iterable[str]) -> dict[str, str]:
    """Installed versions of ``packages`` ("absent" for one not installed), for cache keys.

    Read from package metadata, so nothing is imported; each is read once per process.
    """
    return {package: _package_version(package) for package in packages}


@functools.cache
def _package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def make_key(parts: Mapping[str, Any]) -> str:
    """A stable key for a mapping of everything an entry depends on."""
    return digest(json.dumps(parts, sort_keys=True, default=str).encode())[:32]


T = TypeVar("T")
STALE_TEMP_SECONDS = 3600  # a temporary folder this old was left by a killed writer


class Cache:
    """Entries under ``root``; with ``root=None`` the cache is off and nothing is read or written.

    A root that is not a directory, or cannot be written, turns the cache off for this process with one
    warning; a path inside it of the wrong kind (a file where an entry's folder belongs) is replaced.
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._swept: dict[str, dict[str, dict[str, Any]]] = {}  # kind -> key -> info, once written to

    def _usable(self) -> bool:
        if self.root is None:
            return False
        try:
            if self.root.exists() and not self.root.is_dir():
                raise NotADirectoryError(f"{self.root} is not a directory")
        except OSError as exc:
            self._off(str(exc))
            return False
        return True

    def _off(self, reason: str) -> None:
        log.warning("the cache at %s cannot be used (%s); working without it", self.root, reason)
        self.root = None

    def load(self, kind: str, key: str) -> dict[str, bytes] | None:
        """The files of an entry by name, or None when it is absent, incomplete or corrupt."""

        def read(entry: Path, files: dict[str, str]) -> dict[str, bytes]:
            out = {}
            for name, checksum in files.items():
                data = (entry / name).read_bytes()
                if digest(data) != checksum:
                    raise ValueError(f"checksum mismatch in {name}")
                out[name] = data
            return out

        return self._open(kind, key, read)

    def entry_path(self, kind: str, key: str, *, verify: tuple[str, ...] = ()) -> Path | None:
        """The folder of a complete entry, for files too large to read whole (the ONNX export); None when
        absent. Only the files named in ``verify`` are checksummed; the caller checks the others itself."""

        def check(entry: Path, files: dict[str, str]) -> Path:
            for name, checksum in files.items():
                path = entry / name
                if not path.is_file():
                    raise ValueError(f"{name} is missing")
                if name in verify and digest(path.read_bytes()) != checksum:
                    raise ValueError(f"checksum mismatch in {name}")
            return entry

        return self._open(kind, key, check)

    def _open(self, kind: str, key: str, read: Callable[[Path, dict[str, str]], T]) -> T | None:
        """``read(entry folder, manifest files)``, or None when the entry is absent, incomplete or corrupt
        (a corrupt one is removed, so it is rebuilt)."""
        if not self._usable():
            return None
        assert self.root is not None
        entry = self.root / kind / key
        try:
            if any(_wrong_kind(path) for path in (self.root / kind, entry)):
                # Not corruption of an entry: saving replaces the path with a folder.
                log.info("cache path under %s is not a directory; it will be replaced", self.root / kind)
                return None
            return read(entry, json.loads((entry / MANIFEST).read_bytes())["files"])
        except FileNotFoundError:
            return None
        except PermissionError as exc:
            self._off(f"{exc.strerror}: {exc.filename}")
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("cache entry %s is corrupt (%s); rebuilding it", entry, exc)
            shutil.rmtree(entry, ignore_errors=True)
            return None

    def remove(self, kind: str, key: str) -> None:
        """Delete an entry (one found stale by its user); nothing happens when there is none."""
        if self.root is not None:
            shutil.rmtree(self.root / kind / key, ignore_errors=True)

    def save(self, kind: str, key: str, files: Mapping[str, bytes], info: Mapping[str, Any]) -> None:
        """Write an entry atomically; a failure to write is logged, never raised (the cache is optional)."""
        if not self._usable():
            return
        assert self.root is not None
        parent = self.root / kind
        target = parent / key
        try:
            for path in (parent, target):
                if _wrong_kind(path):
                    path.unlink()  # a file or a dangling link where a folder belongs: replace it
            parent.mkdir(parents=True, exist_ok=True)
            self._sweep(kind, key, info)
            tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=parent))
            try:
                for name, data in files.items():
                    (tmp / name).write_bytes(data)
                manifest = {
                    "format": CACHE_FORMAT,
                    "info": dict(info),
                    "files": {name: digest(data) for name, data in files.items()},
                }
                # The manifest goes last: an entry without one is incomplete by definition.
                (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True, default=str))
                if target.exists():
                    shutil.rmtree(target, ignore_errors=True)
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
        except OSError as exc:
            # Another process may have won the race to write the same entry; that is fine.
            with contextlib.suppress(OSError):
                if (target / MANIFEST).is_file():
                    return
            if isinstance(exc, PermissionError):
                self._off(f"{exc.strerror}: {exc.filename}")  # read-only: say so once, not per entry
                return
            log.warning("could not write cache entry %s: %s", target, exc)

    def _sweep(self, kind: str, key: str, info: Mapping[str, Any]) -> None:
        """Remove what a new entry makes stale: temporary folders of killed writers, and entries of the same
        article file that it supersedes (other bytes, or another extractor version). Entries for other
        models or chunk sizes of the same bytes stay: switching back to them is free."""
        parent = self.root / kind if self.root is not None else None
        if parent is None:
            return
        known = self._swept.get(kind)
        if known is None:
            known = {}
            now = time.time()
            for path in parent.iterdir():
                if path.name.startswith("."):
                    with contextlib.suppress(OSError):
                        if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                            shutil.rmtree(path, ignore_errors=True)
                    continue
                try:
                    known[path.name] = json.loads((path / MANIFEST).read_bytes()).get("info", {})
                except (OSError, ValueError, AttributeError):
                    continue
            self._swept[kind] = known
        for other, other_info in list(known.items()):
            if other != key and _supersedes(info, other_info):
                shutil.rmtree(parent / other, ignore_errors=True)
                del known[other]
        known[key] = dict(info)


def _wrong_kind(path: Path) -> bool:
    """A file, or a link to no folder, where the cache keeps a folder."""
    return path.is_file() or (path.is_symlink() and not path.is_dir())


def _supersedes(new: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """Whether an entry for ``new`` replaces one for ``old``: the same article file, changed since or
    extracted by another version; or the same model's export, made by other library versions."""
    if not isinstance(old, Mapping):
        return False
    if "export_of" in new:
        # An export of the same model by other library versions (or of older files) is never used again.
        return old.get("export_of") == new["export_of"]
    if "article" not in new or "path" not in new:
        return False
    same_file = (old.get("article"), old.get("path")) == (new["article"], new["path"])
    changed = old.get("sha256") != new.get("sha256") or old.get("extractor") != new.get("extractor")
    return same_file and changed
