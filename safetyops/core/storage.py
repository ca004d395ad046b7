"""Where uploaded files (finding photos) live: ``instance/photos`` by default, or any
fsspec URL (``PHOTO_STORE_URL``: ``s3://bucket/photos`` with s3fs installed, an
S3-compatible store, ``gcs://...``), so web nodes keep nothing of their own on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fsspec
from flask import current_app


class PhotoStore:
    """A folder in a file system fsspec knows (local by default). Writes are whole files:
    locally through a temporary name and a rename, so a reader never sees half a photo."""

    def __init__(self, url: str):
        self.fs: Any
        self.fs, self.root = fsspec.core.url_to_fs(url)
        self.local = "file" in self.fs.protocol  # a str or a tuple of names
        if self.local:
            Path(self.root).mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> str:
        if "/" in name or name.startswith("."):
            raise ValueError(f"not a plain file name: {name!r}")
        return f"{self.root.rstrip('/')}/{name}"

    def save(self, name: str, data: bytes) -> None:
        path = self._path(name)
        if self.local:
            temporary = f"{path}.part"
            self.fs.pipe_file(temporary, data)
            self.fs.mv(temporary, path)
        else:
            self.fs.pipe_file(path, data)

    def names(self) -> list[str]:
        """Every stored file's name (for backups)."""
        if not self.fs.exists(self.root):
            return []
        return sorted(
            path.rsplit("/", 1)[-1]
            for path in self.fs.ls(self.root, detail=False)
            if not str(path).endswith(".part")
        )

    def delete(self, name: str) -> bool:
        """Remove a stored file; False when it was already gone (retention runs again)."""
        path = self._path(name)
        if not self.fs.exists(path):
            return False
        self.fs.rm_file(path)
        return True

    def read(self, name: str) -> bytes | None:
        path = self._path(name)
        if not self.fs.exists(path):
            return None
        return bytes(self.fs.cat_file(path))


def photo_store() -> PhotoStore:
    url = current_app.config.get("PHOTO_STORE_URL") or str(
        Path(current_app.instance_path) / "photos"
    )
    return PhotoStore(url)


def report_store() -> PhotoStore:
    """Weekly report PDFs (reports.files): ``instance/reports`` or ``REPORT_STORE_URL``."""
    url = current_app.config.get("REPORT_STORE_URL") or str(
        Path(current_app.instance_path) / "reports"
    )
    return PhotoStore(url)
