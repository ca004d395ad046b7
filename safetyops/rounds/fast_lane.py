"""The fast lane of the busiest request: a tablet posting one checkpoint result.

A walk is a result post per door, from every officer at once; on a small server that post is
most of the load (issue 16). Its common case is always the same: a live token of the
officer walking the round, a new result id, an open round, a door found as expected. This
WSGI middleware answers exactly that case with one statement on one pooled connection (an
INSERT ... SELECT whose conditions are the access rules: who is asking, their round, their
campus, the checkpoint) and none of the framework's per-request machinery: no ORM session,
no Flask-Login, no before-request hooks.

The identical retry of a stored result (a tablet that never heard the answer) is answered
here too, with 200 (a second statement, for retries only). Anything else goes down the full
path, unchanged, with the body it sent: a problem found (a finding is opened), a used id
with another body (409), a completed round, a token due its last-used stamp, a tap time
without an offset, bad input (the full path's error message), no access (its 401, 403 or
404), a database error. The fast lane never answers what the full path would answer
differently: it uses the full path's own functions (``result_input``, ``result_values``,
``guarded_insert``, ``is_same_result``, ``result_json``), its SQL conditions are the full
path's checks, and the tests post the same requests down both lanes and compare.
"""

from __future__ import annotations

import functools
import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Integer,
    Select,
    and_,
    bindparam,
    cast,
    create_engine,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from safetyops.accounts import tokens
from safetyops.accounts.models import (
    DISTRICT_WIDE_ROLES,
    WALKERS,
    ApiToken,
    Role,
    User,
    user_campus,
)
from safetyops.api.serializers import result_json
from safetyops.core import observability
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.core.headers import security_headers
from safetyops.offline.domain import device_time
from safetyops.rounds import operations
from safetyops.rounds.models import ResultStatus, Round, RoundResult
from safetyops.rounds.schemas import ResultIn

ENDPOINT = "api.post_result"  # the full path's endpoint: one name in the metrics
MAX_BODY = 64 * 1024  # a result is a few hundred bytes; anything bigger takes the full path

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class ResultFastLane:
    """WSGI middleware in front of Flask (``app.wsgi_app``): answers the common result
    post itself, hands everything else to Flask untouched."""

    def __init__(self, app: Any, wsgi_app: WSGIApp, api_prefix: str) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.path = re.compile(re.escape(api_prefix) + r"/rounds/([1-9][0-9]{0,8})/results")
        self._engine: Engine | None = None
        self._own_engine: Engine | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        round_id = self._candidate(environ)
        if round_id is not None:
            body = _read_body(environ)
            if body is not None:
                answer = self._try(environ, round_id, body)
                if answer is not None:
                    status, payload, headers = answer
                    start_response(status, headers)
                    observability.REQUESTS.labels(ENDPOINT, "POST", status[:3]).observe(
                        time.perf_counter() - started
                    )
                    return [payload]
                # The full path reads the same body again.
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
        return self.wsgi_app(environ, start_response)

    def _try(self, environ: dict, round_id: int, body: bytes):
        try:
            return self._answer(environ, round_id, body)
        except Exception:  # noqa: BLE001 - the full path answers; an entry is never lost
            self.app.logger.exception("the result fast lane failed; the full path answers")
            return None

    def _candidate(self, environ: dict) -> int | None:
        """The round id if this request may be the common case, without reading the body."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return None
        match = self.path.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or not self.app.config["RESULT_FAST_LANE"]:
            return None
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return None
        if not environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return None
        return int(match.group(1))

    def _answer(self, environ: dict, round_id: int, body: bytes):
        """(status, body, headers) of a stored result, or None: the full path answers."""
        if len(body) != int(environ["CONTENT_LENGTH"]):
            return None  # cut short: the full path's error
        # Escapes are how JSON spells NUL and lone surrogates; the full path's input guard
        # judges those (tablets escape nothing else).
        if b"\\u" in body or b"\x00" in body:
            return None
        try:
            result = ResultIn.model_validate(json.loads(body))
        except (ValueError, ValidationError):  # a JSONDecodeError is a ValueError
            return None
        if result.status != ResultStatus.OK:
            return None  # a problem opens a finding: the full path
        secret = environ["HTTP_AUTHORIZATION"][len("Bearer ") :].strip()
        engine = self.engine
        try:
            # Each statement is its own transaction: no BEGIN and COMMIT round trips. The
            # INSERT is one statement, atomic, and holds the round's share lock until it
            # commits, as it would inside a transaction.
            with engine.connect() as conn:
                if conn.engine is not self._own_engine:  # the app's, in transactions
                    conn.execution_options(isolation_level="AUTOCOMMIT")
                stored = _store(conn, round_id, secret, result, environ.get("HTTP_X_SENT_AT"))
        except SQLAlchemyError:
            # A lost connection, a deadlock: nothing was stored, or a commit whose answer
            # was lost, which the full path's retry answers with 200.
            return None
        if stored is None:
            return None
        row, created = stored
        if created:
            observability.RESULTS.inc()
        payload = self.app.json.dumps(result_json(row)).encode() + b"\n"
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("X-Request-ID", observability.request_id(environ.get("HTTP_X_REQUEST_ID", ""))),
            *security_headers(self.app.config, private=True),
        ]
        return ("201 CREATED" if created else "200 OK"), payload, headers

    @property
    def engine(self) -> Engine:
        return self._engine or self._bind()

    def _bind(self) -> Engine:
        """The engine of the lane, made on first use (the app's URL is known by then).

        On PostgreSQL the lane has a small pool of its own: connections in autocommit (no
        BEGIN and COMMIT round trips) and not pinged when taken (the app's pool pings each
        time: one more round trip). A connection that died meanwhile fails its statement,
        and the request goes down the full path, whose pool pings. On SQLite, the app's
        own engine (a file: nothing to ping)."""
        from safetyops.extensions import db

        with self._lock:
            if self._engine is None:
                with self.app.app_context():
                    engine = db.engine
                if engine.dialect.name == "postgresql":
                    engine = create_engine(
                        engine.url,
                        isolation_level="AUTOCOMMIT",
                        pool_pre_ping=False,
                        pool_reset_on_return=None,
                    )
                    self._own_engine = engine
                self._engine = engine
            return self._engine

    def dispose(self) -> None:
        """Close the lane's own connections (an app discarded, in tests)."""
        if self._own_engine is not None:
            self._own_engine.dispose()


def _store(
    conn: Connection, round_id: int, secret: str, body: ResultIn, sent_header: str | None
) -> tuple[Any, bool] | None:
    """(the result, created) if the fast lane may answer: stored now, or stored before
    with the same body (a retry: 200). None leaves the answer to the full path."""
    if body.recorded_at.tzinfo is None:
        return None  # read in the campus's zone: the full path knows it
    try:
        data = operations.result_input(body, "UTC")  # the time has its offset: no zone used
    except ValidationFailed:
        return None  # the full path's message
    values = operations.result_values(round_id, data, device_time(sent_header))
    rights = {
        "open_round_id": round_id,
        "digest": tokens.digest(secret),
        "fresh_after": utcnow() - tokens.LAST_USE_RECORDED_EVERY,
    }
    try:
        row = _insert(conn, tuple(values), {**values, **rights, "member": data.checkpoint_id})
    except IntegrityError:  # the id is taken: a retry, or another result's id (409)
        existing = conn.execute(_stored_query(), {"id": data.id, **rights}).first()
        if existing is not None and operations.is_same_result(existing, round_id, data):
            return existing, False
        return None
    if row is None:
        # Not allowed, not this round's checkpoint, completed, a token due its last-used
        # stamp, no such round: the full path tells which.
        return None
    return SimpleNamespace(**values), True


def _insert(conn: Connection, columns: tuple[str, ...], params: dict[str, Any]) -> Any:
    """Run the guarded INSERT; its RETURNING row, or None if nothing was stored.

    On PostgreSQL as SQL compiled once per process, sent with the driver's own parameters:
    compiling is cached by SQLAlchemy anyway, but working out the cache key of a statement
    this size and processing each parameter cost more CPU than the rest of the lane
    (issue 16's profile). The only parameter processing the columns need is UTCDateTime's
    (aware datetimes stored as naive UTC), done here; the statement-count tests see it as
    any other statement."""
    if conn.dialect.name != "postgresql":
        return conn.execute(_insert_if_allowed(conn.dialect.name, columns), params).first()
    sql, fixed = _driver_insert(conn.dialect, columns)
    sent = {**fixed, **{k: _naive_utc(v) for k, v in params.items()}}
    return conn.exec_driver_sql(sql, sent).first()


@functools.cache
def _driver_insert(dialect: Any, columns: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The guarded INSERT as the driver's SQL, with the values the statement holds itself
    (none today; kept so that a constant added later is sent)."""
    compiled = _insert_if_allowed(dialect.name, columns).compile(dialect=dialect)
    return compiled.string, {k: v for k, v in compiled.params.items() if v is not None}


def _naive_utc(value: Any) -> Any:
    """What UTCDateTime stores for an aware datetime (and, like it, no naive one: the lane
    then hands the post to the full path); anything else as it is."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


@functools.cache
def _insert_if_allowed(dialect: str, columns: tuple[str, ...]) -> Insert:
    """The guarded INSERT of a result, with every rule of the full path's access check and
    the checkpoint's membership of the round as its conditions: one round trip per post.
    Built once per process and dialect."""

    def narrow(source: Select) -> Select:
        return _with_rights(source).where(_checkpoint_of_round(dialect))

    return operations.guarded_insert(columns, narrow)


@functools.cache
def _stored_query() -> Select:
    """A stored result by id, if the token's owner may post on its round (still open)."""
    table = RoundResult.__table__
    return _with_rights(
        select(table)
        .join(Round, Round.id == table.c.round_id)
        .where(
            table.c.id == bindparam("id"),
            Round.id == bindparam("open_round_id"),
            Round.completed_at.is_(None),
        )
    )


def _with_rights(query: Select) -> Select:
    """What the full path checks, added to a query on ``round``: a live token whose last use
    is recorded, of an active user of a walking role who walks this round, on one of their
    campuses (district-wide roles: any)."""
    # A left join on user_campus's primary key, not an EXISTS: PostgreSQL ran the EXISTS
    # as a hash of the whole user_campus table, built again for every post.
    return (
        query.join(User, User.id == Round.officer_id)
        .join(ApiToken, ApiToken.user_id == User.id)
        .outerjoin(
            user_campus,
            and_(user_campus.c.user_id == User.id, user_campus.c.campus_id == Round.campus_id),
        )
        .where(
            ApiToken.token_hash == bindparam("digest"),
            ApiToken.revoked_at.is_(None),
            ApiToken.last_used_at >= bindparam("fresh_after", type_=ApiToken.last_used_at.type),
            User.active.is_(True),
            User.role.in_(_sql_list(WALKERS)),
            or_(User.role.in_(_sql_list(DISTRICT_WIDE_ROLES)), user_campus.c.user_id.is_not(None)),
        )
    )


def _sql_list(roles: Iterable[Role]) -> list[ColumnElement[str]]:
    """Roles written into the SQL (our own constants, not input): a list of parameters would
    be rendered again at every execution."""
    return [literal_column(f"'{role.value}'") for role in sorted(roles)]


def _checkpoint_of_round(dialect: str) -> ColumnElement[bool]:
    """The posted checkpoint (``member``) is one of the round's (a JSON list of ids)."""
    member = bindparam("member", type_=Integer)
    if dialect == "postgresql":
        return cast(Round.checkpoint_ids, JSONB).contains(func.jsonb_build_array(member))
    ids = func.json_each(Round.checkpoint_ids).table_valued("value")
    return exists(select(ids.c.value).where(ids.c.value == member))


def _read_body(environ: dict) -> bytes | None:
    """The whole body if its length is declared and small, else None (nothing read)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    return environ["wsgi.input"].read(length)
