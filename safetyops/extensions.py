"""Flask extensions, created unbound; create_app() binds them. Import them from here."""

import click
from flask import g
from flask.cli import with_appcontext
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from safetyops.core.db import Base

db = SQLAlchemy(model_class=Base)


class LazyMigrate:
    """Flask-Migrate, imported on first use: it pulls in Alembic (a good part of a web
    worker's cold start), which only the ``db`` commands, migrations and /readyz use."""

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate"] = _LazyMigrateConfig(app, db, directory)
        app.cli.add_command(_LazyDbCommands(app, name="db", help="Database migrations."))


class _LazyMigrateConfig:
    """Stands in for Flask-Migrate's config until something reads more than the folder."""

    def __init__(self, app, db, directory: str) -> None:
        self.directory = directory
        self._app, self._db = app, db

    def load(self):
        from flask_migrate import Migrate

        Migrate(render_as_batch=True, compare_type=True).init_app(
            self._app, self._db, directory=self.directory
        )
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str):  # only for what __init__ did not set
        return getattr(self.load(), name)


def _remember_options(directory: str | None, x_arg: tuple[str, ...]) -> None:
    g.directory = directory
    g.x_arg = x_arg


class _LazyDbCommands(click.Group):
    """``safetyops db ...``: Flask-Migrate's command group, loaded when used."""

    def __init__(self, app, **kwargs) -> None:
        # Flask-Migrate's group takes these two options and keeps them in ``g`` for its
        # commands (Migrate.get_config reads them): this group must do the same.
        options = [
            click.Option(["-d", "--directory"], default=None, help="Migration script directory"),
            click.Option(["-x", "--x-arg"], multiple=True, help="Additional arguments for env.py"),
        ]
        super().__init__(params=options, callback=with_appcontext(_remember_options), **kwargs)
        self._app = app

    def _group(self) -> click.Group:
        config = self._app.extensions["migrate"]
        if isinstance(config, _LazyMigrateConfig):
            config.load()
        from flask_migrate.cli import db as commands

        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._group().get_command(ctx, cmd_name)


migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
