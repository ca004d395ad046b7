"""WSGI entry point for gunicorn: ``gunicorn -c gunicorn.conf.py`` (see README)."""

from safetyops import create_app
from safetyops.core.heap import freeze_loaded_objects

app = create_app()
freeze_loaded_objects()  # the loaded app out of the collector's full passes (core/heap.py)
