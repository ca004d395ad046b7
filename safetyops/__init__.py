"""SafetyOps: school safety-officer operations.

``create_app`` only wires things together: configuration, extensions, blueprints, error
handlers and CLI commands. It touches no database and no network.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from safetyops.config import CONFIGS, check_production_config
from safetyops.extensions import babel, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(name: str) -> Path:
    """Top-level folder in a source checkout, packaged copy in an installed wheel."""
    in_checkout = PACKAGE_DIR.parent / name
    return in_checkout if in_checkout.is_dir() else PACKAGE_DIR / name


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(_resource_dir("templates")),
        static_folder=str(_resource_dir("static")),
        instance_path=(config or {}).get("INSTANCE_PATH")
        or os.environ.get("SAFETYOPS_INSTANCE_PATH")
        or None,
        instance_relative_config=True,
    )
    load_config(app, config)
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_observability(app)
    register_fast_lane(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def load_config(app: Flask, overrides: dict | None) -> None:
    env_name = (overrides or {}).get("ENV_NAME") or os.environ.get("SAFETYOPS_ENV", "development")
    app.config.from_object(CONFIGS[env_name])
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix="SAFETYOPS")
    app.config.update(overrides or {})
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config.get("DATABASE_URL"))
    if not app.config.get("LANGUAGES"):  # English and every catalog in translations/
        from safetyops.core.i18n import available_languages

        app.config["LANGUAGES"] = available_languages(
            PACKAGE_DIR / "translations", app.config["BABEL_DEFAULT_LOCALE"]
        )
    # SAFETYOPS_RATELIMIT_STORAGE_URL is the documented name (Flask-Limiter reads ..._URI).
    if app.config.get("RATELIMIT_STORAGE_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    if app.config["ENV_NAME"] == "production":
        check_production_config(app.config)


def register_proxy(app: Flask) -> None:
    """Trust the TLS proxy's X-Forwarded-* headers (``PROXY_COUNT`` hops), so the client's
    address (login throttle, audit), scheme and host (QR codes, feed and email links) are
    right. Never set it without a proxy: clients could then choose their own address."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        # Flask documents wrapping wsgi_app as the way to add middleware; mypy sees a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )


def _normalise_db_url(url: str | None) -> str | None:
    # Accept the common postgres:// and postgresql:// spellings; we ship psycopg 3.
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def register_extensions(app: Flask) -> None:
    import safetyops.all_models  # noqa: F401 - every area's tables, before any query
    from safetyops.accounts import sso
    from safetyops.accounts.sessions import user_for_session
    from safetyops.accounts.tokens import user_for_token
    from safetyops.core.background_copy import CopyAwareSessionInterface, is_background_copy

    app.session_interface = CopyAwareSessionInterface()
    app.add_template_global(is_background_copy, "is_background_copy")
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_resource_dir("migrations")))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)

    sso.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(user_for_session)

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        user = user_for_token(header[len("Bearer ") :].strip())
        if user is not None:
            g.token_auth = True
        return user


def _select_locale():
    from safetyops.core.i18n import select_locale

    return select_locale()  # profile, then the login page's switch, then Accept-Language


def register_blueprints(app: Flask) -> None:
    """One blueprint per area (its views.py; admin_views.py adds to it), plus the API."""
    from safetyops.core.input_guard import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    from safetyops.accounts import admin_views as _accounts_admin  # noqa: F401
    from safetyops.accounts.views import bp as accounts_bp
    from safetyops.actions.views import bp as actions_bp
    from safetyops.api import bp as api_bp
    from safetyops.api import docs_bp
    from safetyops.audit.views import bp as audit_bp
    from safetyops.calendar.views import bp as calendar_bp
    from safetyops.campuses import admin_views as _campuses_admin  # noqa: F401
    from safetyops.campuses.views import bp as campuses_bp
    from safetyops.certifications import admin_views as _certifications_admin  # noqa: F401
    from safetyops.certifications.views import bp as certifications_bp
    from safetyops.compliance import admin_views as _compliance_admin  # noqa: F401
    from safetyops.compliance.views import bp as compliance_bp
    from safetyops.drills.views import bp as drills_bp
    from safetyops.findings.views import bp as findings_bp
    from safetyops.home.views import bp as home_bp
    from safetyops.live.views import bp as live_bp
    from safetyops.notifications.views import bp as notifications_bp
    from safetyops.offline.views import bp as offline_bp
    from safetyops.planning.views import bp as planning_bp
    from safetyops.postings.views import bp as postings_bp
    from safetyops.reports.views import bp as reports_bp
    from safetyops.rounds.views import bp as rounds_bp

    for bp in (
        accounts_bp,
        home_bp,
        campuses_bp,
        rounds_bp,
        findings_bp,
        drills_bp,
        live_bp,
        actions_bp,
        compliance_bp,
        planning_bp,
        postings_bp,
        calendar_bp,
        certifications_bp,
        notifications_bp,
        offline_bp,
        reports_bp,
        audit_bp,
        api_bp,
        docs_bp,
    ):
        app.register_blueprint(bp)


def register_request_hooks(app: Flask) -> None:
    from safetyops.audit import operations as audit
    from safetyops.core.access import enforce_access
    from safetyops.core.headers import security_headers
    from safetyops.core.input_guard import check_request_text

    @app.before_request
    def _refuse_unstorable_text():
        check_request_text()

    @app.before_request
    def _authorize():
        return enforce_access()

    @app.before_request
    def _audit_context():
        user_id = current_user.id if current_user.is_authenticated else None
        interface = "api" if request.path.startswith("/api/") or g.get("token_auth") else "web"
        audit.set_context(user_id, interface)

    @app.after_request
    def _security_headers(response):
        for name, value in security_headers(app.config, private=_is_private(response)):
            if name == "Cache-Control":
                response.headers[name] = value
            else:
                response.headers.setdefault(name, value)
        return response


def _is_private(response) -> bool:
    """Anything answered to a signed-in user (session or token), except static files."""
    if request.endpoint == "static":
        return False
    return bool(g.get("token_auth")) or ("_login_user" in g and current_user.is_authenticated)


def register_observability(app: Flask) -> None:
    from safetyops.core import observability

    observability.register(app)


def register_fast_lane(app: Flask) -> None:
    """The common result post answered before Flask (rounds/fast_lane.py; issue 16)."""
    from safetyops.api.blueprint import bp as api_bp
    from safetyops.rounds.fast_lane import ResultFastLane

    lane = ResultFastLane(app, app.wsgi_app, api_bp.url_prefix or "")
    app.extensions["result_fast_lane"] = lane
    app.wsgi_app = lane  # type: ignore[method-assign]


def register_errorhandlers(app: Flask) -> None:
    from safetyops.core.error_pages import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from safetyops.core import i18n, labels
    from safetyops.core.access import may_use
    from safetyops.core.navigation import navigation_for
    from safetyops.core.submissions import new_submission_id
    from safetyops.core.timefmt import localday, localtime
    from safetyops.notifications import operations as notifications

    app.add_template_filter(localtime)
    app.add_template_filter(localday)
    # Dates, times and numbers in the reader's locale (Flask-Babel), never strftime.
    app.add_template_filter(i18n.day, "day")
    app.add_template_filter(i18n.clock, "clock")
    app.add_template_filter(i18n.localdatetime, "localdatetime")
    app.add_template_filter(i18n.number, "number")
    app.add_template_filter(i18n.percent, "percent")
    app.add_template_filter(i18n.week_name, "week_name")
    app.add_template_global(i18n.language_choices, "language_choices")
    app.add_template_filter(labels.label, "label")  # {{ f.kind | label('finding_kind') }}
    app.add_template_filter(labels.labels, "labels")  # a list of values

    @app.context_processor
    def _inject():
        # Emails are rendered by the scheduler, outside any request: no user there. Pages
        # rendered while the database is down must not load the user (that needs it).
        if has_request_context() and g.get("database_down"):
            return {
                "nav_items": [],
                "get_locale": get_locale,
                "unread_notifications": lambda: 0,
                "submission_id": new_submission_id,
                "may": lambda endpoint: False,
            }
        user = current_user if has_request_context() and current_user.is_authenticated else None
        return {
            "nav_items": navigation_for(user) if user else [],
            "get_locale": get_locale,
            "submission_id": new_submission_id,
            "may": lambda endpoint: may_use(user, endpoint),
            # Called by the header only: one small count query per page for signed-in users.
            "unread_notifications": lambda: notifications.unread_count(user) if user else 0,
        }


def register_commands(app: Flask) -> None:
    from safetyops.cli import register

    register(app)
