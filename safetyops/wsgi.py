"""WSGI entry point for gunicorn: ``gunicorn -c gunicorn.conf.py`` (see README)."""

from safetyops import create_app

app = create_app()
