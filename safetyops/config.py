"""Configuration classes.

Order of precedence (last wins): the class chosen by SAFETYOPS_ENV, ``instance/config.py``,
then ``SAFETYOPS_*`` environment variables (``SAFETYOPS_DATABASE_URL`` becomes
``DATABASE_URL``). Nothing here is read at import time by the rest of the app.
"""

from __future__ import annotations

import os
from datetime import timedelta

DEMO_PASSWORD = "safetyops-demo"  # noqa: S105 - the documented demo login, refused in production
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


class BaseConfig:
    ENV_NAME = "base"
    SECRET_KEY: str | None = DEFAULT_SECRET_KEY
    # Relative SQLite paths are resolved inside the instance folder by Flask-SQLAlchemy.
    DATABASE_URL: str | None = "sqlite:///safetyops.db"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # The common result post answered before Flask (rounds/fast_lane.py); False: full path.
    RESULT_FAST_LANE = True

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    HSTS_SECONDS = 0  # no Strict-Transport-Security outside production (plain http locally)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    # CSRF is checked by safetyops.access for every unsafe request that is not
    # authenticated by an API token, so Flask-WTF's global hook stays off.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # a tablet left open through a shift must still submit

    # Passwords (argon2id, memory-hard) and login protection
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    ARGON2_PARALLELISM = 2
    PASSWORD_MIN_LENGTH = 10
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    LOGIN_RATE_LIMIT = "20 per minute"  # per client address (behind PROXY_COUNT proxies)
    # Per account, whatever the address: guesses spread over many addresses still count.
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per minute"
    # Single sign-on: a list of OpenID Connect providers, each a dict with name, label,
    # metadata_url, client_id, client_secret, allowed_domains (list; empty: any) and
    # create_users (bool, default false), new_user_role (default "viewer"). See README.
    SSO_PROVIDERS: list = []
    # False: only safety admins may sign in with a password (break-glass); others use SSO.
    PASSWORD_SIGNIN = True
    # Staff roster: the directory where the nightly OneRoster bundle lands (empty: no job),
    # the mapping file (TOML; empty: the default mapping) and the local time of the run.
    ROSTER_DIR = ""
    ROSTER_MAPPING = ""
    ROSTER_SYNC_TIME = "02:30"
    # Behind a TLS proxy (nginx, a load balancer): how many proxies set X-Forwarded-For,
    # -Proto and -Host. 0: none (the client's address is the socket's).
    PROXY_COUNT = 0
    # /readyz: the scheduler must have finished a job run this recently (minutes).
    READY_SCHEDULER_MINUTES = 30
    SCHEDULER_RETRY_MINUTES = 5  # a failed job runs again this soon, not at its next slot
    # Where finding photos are kept: empty for instance/photos, or an fsspec URL such as
    # s3://bucket/photos (install s3fs) so several web nodes share one store.
    PHOTO_STORE_URL = ""
    # Logs: "text" (development) or "json" (one object a line, with the request id).
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # /metrics (Prometheus) answers these client addresses, or a Bearer METRICS_TOKEN.
    METRICS_ALLOWED = ["127.0.0.1", "::1"]
    METRICS_TOKEN = ""

    # Flask-Limiter: memory:// is per process; use redis:// with several web workers.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # None: English plus every catalog in safetyops/translations/ (see README, Languages).
    LANGUAGES: list[str] | None = None

    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    PHOTO_MAX_BYTES = 8 * 1024 * 1024
    # Retention (core/retention.py, the daily "retention" job). Photos are evidence: kept
    # for ever unless the district sets a number of days (e.g. 1095 for three years).
    PHOTO_RETENTION_DAYS = 0
    NOTIFICATION_RETENTION_DAYS = 365  # read or emailed notifications older than this go
    # The scheduler's run history (jobs list, /readyz): runs older than this many days are
    # deleted as jobs run (about 1,000 runs a day); the last run of each job is always kept.
    JOB_RUN_KEEP_DAYS = 14
    # Jobs store their notifications in batches of this many messages, one commit each.
    NOTIFY_BATCH_MESSAGES = 200

    # A checkpoint with this many findings in this many days is flagged as a repeat offender.
    # Email (SAFETYOPS_SMTP_HOST etc.). No host: notifications stay in the app only.
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_TLS = "starttls"  # starttls | ssl | none
    SMTP_TIMEOUT = 10
    MAIL_FROM = "SafetyOps <safetyops@localhost>"
    EMAIL_MAX_ATTEMPTS = 6
    # An email claimed by a sender that has not recorded it this long after is sent again
    # (the sender crashed); longer than any one SMTP exchange (SMTP_TIMEOUT) can take.
    EMAIL_CLAIM_TIMEOUT_SECONDS = 600
    BASE_URL = "http://127.0.0.1:5000"  # links in emails and calendar feeds

    # Reminders and the scheduler.
    REMINDER_TIME = "06:30"  # campus-local time of the daily drill reminders
    REMINDER_LEAD_DAYS = [14, 7, 3, 1, 0]
    # Officers' certifications: reminders this many days before expiry (then an escalation
    # to the safety department once expired); scanned copies up to this size.
    CERTIFICATION_REMINDER_DAYS = [60, 30, 7]
    CERTIFICATION_SCAN_MAX_BYTES = 8 * 1024 * 1024
    FINDING_ALERT_DAYS = 3  # open findings older than this alert principal and supervisor
    SCHEDULER_TIMEZONE = "America/Denver"  # for the weekly report and the daily digest
    WEEKLY_REPORT_TIME = "06:00"  # Mondays
    DAILY_DIGEST_TIME = "06:00"

    REPEAT_OFFENDER_THRESHOLD = 3
    REPEAT_OFFENDER_DAYS = 30
    # The tablet offline (issue 11): a device clock more than this far off is flagged
    # "clock off"; an entry received this long after its (corrected) tap, "late sync"; a
    # round with more checkpoints marked in one minute than this, "faster than a walk".
    OFFLINE_CLOCK_SKEW_MINUTES = 5
    OFFLINE_LATE_SYNC_HOURS = 4
    ROUND_MAX_CHECKPOINTS_PER_MINUTE = 6
    DEFAULT_TIMEZONE = "America/Denver"


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = "sqlite://"
    # Cheap hashes keep the suite fast; the algorithm is the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    RATELIMIT_ENABLED = False


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SECRET_KEY: str | None = None  # production must set them (check_production_config)
    DATABASE_URL: str | None = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # Browsers remember to use HTTPS only for a year (served behind the TLS proxy).
    HSTS_SECONDS = 31536000
    LOG_FORMAT = "json"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def check_production_config(config: dict) -> None:
    """Refuse to run production with a default or weak secret key or no database."""
    key = config.get("SECRET_KEY")
    if not key or key == DEFAULT_SECRET_KEY or len(str(key)) < 32:
        raise ConfigError(
            "Production needs SAFETYOPS_SECRET_KEY: a random value of at least 32 characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise ConfigError("Production needs SAFETYOPS_DATABASE_URL (PostgreSQL).")
    check_rate_limit_store(config, int(os.environ.get("SAFETYOPS_WORKERS", "1") or 1))


def check_rate_limit_store(config: dict, workers: int) -> None:
    """A per-process memory store lets each worker count sign-in attempts on its own
    (5 workers: 5 times the limit). Several workers need a shared store such as Redis."""
    store = str(config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if workers > 1 and store.startswith("memory://"):
        raise ConfigError(
            f"{workers} web workers with RATELIMIT_STORAGE_URI=memory:// would each count "
            "sign-in attempts on their own; set SAFETYOPS_RATELIMIT_STORAGE_URL to a shared "
            "store, e.g. redis://127.0.0.1:6379/0."
        )
