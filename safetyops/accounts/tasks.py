"""roster-sync: the nightly staff roster, from the directory where the district's OneRoster
export lands (``ROSTER_DIR``; nothing to do when it is not set)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from safetyops.accounts import roster_sync
from safetyops.scheduler.context import JobContext


def run(ctx: JobContext) -> dict[str, object]:
    directory = current_app.config.get("ROSTER_DIR") or ""
    if not directory:
        return {"skipped": "ROSTER_DIR is not set"}
    mapping = current_app.config.get("ROSTER_MAPPING") or ""
    bundle, _mapping = roster_sync.load(Path(directory), Path(mapping) if mapping else None)
    report = roster_sync.sync(bundle)
    if not report.ok:
        # Nothing changed; the errors are in the job's summary for `safetyops jobs list`.
        return {"errors": len(report.errors), "first": report.errors[0]}
    return {
        "created": report.created,
        "updated": report.updated,
        "deactivated": report.deactivated,
        "reactivated": report.reactivated,
    }
