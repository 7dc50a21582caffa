"""An on-disk cache of per-article artefacts (passages, vectors, extracted quotes).

Each entry is a directory named by a key that covers everything its contents depend on (article bytes,
model, chunking parameters, library versions). An entry is written to a temporary directory and renamed
into place, so readers never see half an entry; its manifest, written last, records a checksum of every
file, so a corrupt or truncated entry is detected on load and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CACHE_FORMAT = 1


def digest(data: bytes) -> str:
    """sha256 hex digest."""
    return hashlib.sha256(data).hexdigest()


def make_key(parts: Mapping[str, Any]) -> str:
    """A stable key for a mapping of everything an entry depends on."""
    return digest(json.dumps(parts, sort_keys=True, default=str).encode())[:32]


class Cache:
    """Entries under ``root``; with ``root=None`` the cache is off and nothing is read or written."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def load(self, kind: str, key: str) -> dict[str, bytes] | None:
        """The files of an entry by name, or None when it is absent, incomplete or corrupt."""
        if self.root is None:
            return None
        entry = self.root / kind / key
        try:
            manifest = json.loads((entry / MANIFEST).read_bytes())
            files = manifest["files"]
            out = {}
            for name, checksum in files.items():
                data = (entry / name).read_bytes()
                if digest(data) != checksum:
                    raise ValueError(f"checksum mismatch in {name}")
                out[name] = data
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("cache entry %s is corrupt (%s); rebuilding it", entry, exc)
            shutil.rmtree(entry, ignore_errors=True)
            return None
        return out

    def save(self, kind: str, key: str, files: Mapping[str, bytes], info: Mapping[str, Any]) -> None:
        """Write an entry atomically; a failure to write is logged, never raised (the cache is optional)."""
        if self.root is None:
            return
        parent = self.root / kind
        target = parent / key
        try:
            parent.mkdir(parents=True, exist_ok=True)
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
            log.warning("could not write cache entry %s: %s", target, exc)
