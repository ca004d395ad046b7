"""A web worker freezes the app it loaded out of the garbage collector's full passes
(core/heap.py): they walked it again every few requests (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_worker_freezes_the_loaded_app(tmp_path):
    """Importing ``safetyops.wsgi`` (what gunicorn's workers do) leaves the loaded app
    frozen: tens of thousands of objects a full collection no longer walks."""
    env = {
        **os.environ,
        "SAFETYOPS_ENV": "development",
        "SAFETYOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'heap.db'}",
        "SAFETYOPS_INSTANCE_PATH": str(tmp_path),
    }
    code = "import gc, safetyops.wsgi; print(gc.get_freeze_count())"
    out = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    assert int(out.stdout.strip().splitlines()[-1]) > 50_000


def test_freezing_moves_what_is_alive_out_of_the_collector():
    import gc

    from safetyops.core.heap import freeze_loaded_objects

    kept = [[] for _ in range(1000)]  # containers: objects the collector tracks
    assert any(obj is kept[0] for obj in gc.get_objects())
    before = gc.get_freeze_count()
    try:
        frozen = freeze_loaded_objects()
        assert frozen >= before + len(kept)
        assert not any(obj is kept[0] for obj in gc.get_objects())  # out of its sight
    finally:
        gc.unfreeze()  # the test process goes on collecting as before
