"""``safetyops backup DIR`` and ``safetyops restore DIR``: the database and the photo store
in one folder. PostgreSQL through pg_dump/pg_restore (custom format, the server's own
tools); SQLite through its online backup API (a consistent copy while the app runs);
photos copied file by file from and to the configured store."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from safetyops.core.storage import photo_store
from safetyops.extensions import db

MANIFEST = "safetyops-backup.json"


@dataclass
class BackupReport:
    folder: Path
    database: str
    photos: int


def _tool(name: str) -> str:
    """The full path of a PostgreSQL client tool; a clear error if it is missing."""
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (Debian: postgresql-client)")
    return found


def _pg_url() -> str:
    """The database URL as libpq tools take it (no SQLAlchemy driver suffix)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(folder: Path) -> BackupReport:
    folder.mkdir(parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        target = folder / "database.dump"
        subprocess.run(  # noqa: S603 - the server's pg_dump, our arguments
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _pg_url()],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    else:
        target = folder / "database.sqlite"
        source = sqlite3.connect(
            make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database or ""
        )
        with sqlite3.connect(target) as copy:
            source.backup(copy)  # consistent even while the app writes
        source.close()
    store = photo_store()
    photos_dir = folder / "photos"
    photos_dir.mkdir(exist_ok=True)
    count = 0
    for name in store.names():
        data = store.read(name)
        if data is not None:
            (photos_dir / name).write_bytes(data)
            count += 1
    (folder / MANIFEST).write_text(json.dumps({
        "made_at": datetime.now(UTC).isoformat(), "database": dialect,
        "file": target.name, "photos": count,
    }, indent=2))  # fmt: skip
    return BackupReport(folder, target.name, count)


def restore(folder: Path) -> BackupReport:
    manifest = json.loads((folder / MANIFEST).read_text())
    dialect = db.engine.dialect.name
    if manifest["database"] != dialect:
        raise ValueError(f"this backup is of a {manifest['database']} database, not {dialect}")
    db.session.remove()
    db.engine.dispose()
    if dialect == "postgresql":
        subprocess.run(  # noqa: S603 - the server's pg_restore, our arguments
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             f"--dbname={_pg_url()}", str(folder / manifest["file"])],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    else:
        path = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database or ""
        with sqlite3.connect(folder / manifest["file"]) as source, sqlite3.connect(path) as live:
            source.backup(live)
    store = photo_store()
    count = 0
    for photo in sorted((folder / "photos").glob("*")):
        store.save(photo.name, photo.read_bytes())
        count += 1
    return BackupReport(folder, manifest["file"], count)
