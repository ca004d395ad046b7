"""Notifications: stored once per key (the database enforces it), shown in the app, and
emailed (each, as a daily digest, or not at all) with retries that never block a job."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from safetyops.accounts.models import Role, User, user_campus
from safetyops.campuses.models import Campus
from safetyops.core import i18n, observability
from safetyops.core import mail as mailer
from safetyops.core.db import utcnow
from safetyops.extensions import db
from safetyops.notifications import kinds
from safetyops.notifications.models import EmailPreference, EmailStatus, Notification
from safetyops.scheduler.models import JobSlot

log = logging.getLogger(__name__)
# Email that could not go out for this long is dropped (it stays in the app): after an
# outage, or when SMTP is configured late, nobody gets a flood of stale reminders.
MAX_EMAIL_AGE = timedelta(days=3)


@dataclass(frozen=True)
class Message:
    """What to tell: ``kind`` and its ``params`` (JSON values), rendered in each reader's
    language by the kind's renderer (notifications/kinds.py explains how to add one).
    ``subject``/``body`` are only for a kind without a renderer (shown as given)."""

    key: str  # what it is about; the recipient is added to make it unique
    kind: str
    params: dict[str, Any] | None = None
    link: str = ""
    campus_id: int | None = None
    subject: str = ""
    body: str = ""

    def english(self) -> kinds.Text:
        """The text stored in the row (readable in the table, and the fallback)."""
        if self.params is not None and not kinds.is_known(self.kind):
            raise LookupError(
                f"notification kind {self.kind!r} has params but no renderer: register one "
                "with @notification_kind and list its module in kinds.KIND_MODULES"
            )
        text = kinds.render(self.kind, self.params, current_app.config["BABEL_DEFAULT_LOCALE"])
        return text or kinds.Text(self.subject, self.body)


def text_of(notification: Notification, locale: str) -> kinds.Text:
    """A stored notification's subject and body in ``locale`` (its stored English text
    for rows written before kinds had parameters)."""
    return kinds.render(notification.kind, notification.params, locale) or kinds.Text(
        notification.subject, notification.body
    )


def _insert_ignoring_duplicates():
    """INSERT ... ON CONFLICT (key) DO NOTHING: the database decides what is new."""
    if db.engine.dialect.name == "postgresql":
        return pg_insert(Notification).on_conflict_do_nothing(index_elements=["key"])
    return sqlite_insert(Notification).on_conflict_do_nothing(index_elements=["key"])


def email_status_for(user: User) -> str:
    if not user.email or user.email_preference == EmailPreference.NONE:
        return EmailStatus.SKIPPED
    if user.email_preference == EmailPreference.DIGEST:
        return EmailStatus.DIGEST
    return EmailStatus.PENDING


def notify(users: Iterable[User], message: Message) -> int:
    """Store ``message`` for each user unless it was stored before. Returns how many new."""
    return notify_many([(users, message)])


def notify_many(batch: Iterable[tuple[Iterable[User], Message]]) -> int:
    """Store each message for its users unless stored before: one batched INSERT ... ON
    CONFLICT DO NOTHING and one commit per ``NOTIFY_BATCH_MESSAGES`` messages, however many
    campuses (a commit per message expired every loaded object, so each next message
    loaded its campus and users again). A run failing half-way keeps the chunks stored
    before; a rerun adds only the rest. Returns how many were new."""
    per_chunk = max(1, int(current_app.config.get("NOTIFY_BATCH_MESSAGES") or 200))
    now = utcnow()
    chunks: list[list[dict]] = []
    for n, (users, message) in enumerate(batch):
        if n % per_chunk == 0:
            chunks.append([])
        english = message.english()
        for user in {u.id: u for u in users if u.active}.values():
            chunks[-1].append(
                {
                    "key": f"{message.key}:u{user.id}"[:200],
                    "user_id": user.id,
                    "campus_id": message.campus_id,
                    "kind": message.kind,
                    "params": message.params,
                    "subject": english.subject[:200],
                    "body": english.body,
                    "link": message.link,
                    "created_at": now,
                    "email_status": email_status_for(user),
                }
            )
    created = sum(store_chunk(rows) for rows in chunks) if chunks else store_chunk([])
    return created


def store_chunk(rows: list[dict]) -> int:
    """Insert notification rows (duplicates ignored) and commit; how many were new."""
    created = 0
    if rows:
        # A row back means it was new (rowcount is unreliable with ON CONFLICT).
        created = len(
            db.session.execute(_insert_ignoring_duplicates().returning(Notification.id), rows).all()
        )
    db.session.commit()
    return created


# ---- who hears about a campus ------------------------------------------------------------


def campus_staff(campus_ids: Iterable[int], roles: Iterable[Role]) -> dict[int, list[User]]:
    """Active users with these roles assigned to each campus, in one query."""
    ids = list(campus_ids)
    out: dict[int, list[User]] = {i: [] for i in ids}
    rows = db.session.execute(
        select(user_campus.c.campus_id, User)
        .join(User, User.id == user_campus.c.user_id)
        .where(
            user_campus.c.campus_id.in_(ids),
            User.role.in_([r.value for r in roles]),
            User.active.is_(True),
        )
    )
    for campus_id, user in rows:
        out[campus_id].append(user)
    return out


def principals_of(campuses: Iterable[Campus]) -> dict[int, list[User]]:
    """A campus's principal: the one named on the campus, and any assigned principal."""
    campuses = list(campuses)
    staff = campus_staff([c.id for c in campuses], [Role.PRINCIPAL])
    named = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_([c.principal_id for c in campuses if c.principal_id]))
        )
    }
    for campus in campuses:
        if campus.principal_id in named and named[campus.principal_id] not in staff[campus.id]:
            staff[campus.id].append(named[campus.principal_id])
    return staff


def viewers() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == Role.VIEWER, User.active.is_(True)))
    )


def safety_department() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.SAFETY_ADMIN, User.active.is_(True))
        )
    )


# ---- the notification centre --------------------------------------------------------------


def unread_count(user: User) -> int:
    return db.session.scalar(  # type: ignore[return-value]  # a COUNT is never NULL
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def for_user(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read. Returns how many."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    marked = db.session.execute(query.values(read_at=utcnow()).returning(Notification.id)).all()
    db.session.commit()
    return len(marked)


# ---- email delivery -----------------------------------------------------------------------


def _stale_claim() -> timedelta:
    """A claim older than this is a crashed sender's (EMAIL_CLAIM_TIMEOUT_SECONDS): the email
    is tried again, with the same Message-ID."""
    return timedelta(seconds=current_app.config["EMAIL_CLAIM_TIMEOUT_SECONDS"])


def _claim(notification_id: int, now: datetime) -> bool:
    """Take one email to send; only one process can (the UPDATE is the lock)."""
    claimed = db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            or_(
                Notification.email_status == EmailStatus.PENDING,
                (Notification.email_status == EmailStatus.SENDING)
                & (Notification.email_claimed_at < now - _stale_claim()),
            ),
        )
        .values(email_status=EmailStatus.SENDING, email_claimed_at=now)
        # A row back means this process took it (psycopg's rowcount can be -1).
        .returning(Notification.id)
    ).first()
    db.session.commit()
    return claimed is not None


def _render(
    notifications: list[Notification], user: User, subject: Callable[[], str]
) -> tuple[str, str, str]:
    """(subject, text, html) of an email to ``user``, in the user's language."""
    base_url = current_app.config.get("BASE_URL", "").rstrip("/")
    locale = i18n.locale_for(user)
    with force_locale(locale):
        context = {
            "items": [(n, text_of(n, locale)) for n in notifications],
            "user": user, "subject": subject(), "base": base_url, "lang": locale,
        }  # fmt: skip
        return (
            context["subject"],
            render_template("email/notifications.txt", **context),
            render_template("email/notifications.html", **context),
        )


def _subject_of(notification: Notification, user: User) -> Callable[[], str]:
    return lambda: text_of(notification, i18n.locale_for(user)).subject


def _digest_subject(count: int) -> Callable[[], str]:
    return lambda: ngettext(
        "SafetyOps daily digest: %(num)d update", "SafetyOps daily digest: %(num)d updates", count
    )


def deliver_pending(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send pending emails (and retry failed ones). A failure is recorded and retried on a
    later run; it never raises, so a broken SMTP server cannot stop a job."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    if not mailer.is_configured():
        return counts
    max_attempts = current_app.config["EMAIL_MAX_ATTEMPTS"]
    db.session.execute(
        update(Notification)
        .where(
            Notification.email_status == EmailStatus.PENDING,
            Notification.created_at < now - MAX_EMAIL_AGE,
        )
        .values(email_status=EmailStatus.SKIPPED, email_error="too old to email")
    )
    db.session.commit()
    ids = db.session.scalars(
        select(Notification.id)
        .where(
            or_(
                Notification.email_status == EmailStatus.PENDING,
                (Notification.email_status == EmailStatus.SENDING)
                & (Notification.email_claimed_at < now - _stale_claim()),
            )
        )
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    for notification_id in ids:
        if not _claim(notification_id, now):
            continue  # another process has it
        notification = db.session.get(Notification, notification_id)
        if notification is None:
            continue
        user = notification.user
        try:
            subject, text, html = _render([notification], user, _subject_of(notification, user))
            # The same id on a resend; the creation time keeps another deployment sending
            # from the same domain (a staging copy) from ever using the same one.
            made = int(notification.created_at.timestamp() * 1_000_000)
            msgid = mailer.message_id(f"notification.{notification.id}.{made}")
            mailer.send_email(user.email, subject, text, html, msgid=msgid)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried later
            notification.email_attempts += 1
            notification.email_error = f"{type(exc).__name__}: {exc}"[:1000]
            notification.email_status = (
                EmailStatus.FAILED
                if notification.email_attempts >= max_attempts
                else EmailStatus.PENDING
            )
            counts["failed"] += 1
            observability.EMAILS.labels("failed").inc()
            log.warning("email to %s failed: %s", user.email, notification.email_error)
        else:
            notification.email_attempts += 1
            notification.email_status = EmailStatus.SENT
            notification.email_sent_at = utcnow()
            notification.email_error = ""
            counts["sent"] += 1
            observability.EMAILS.labels("sent").inc()
        db.session.commit()
    return counts


def send_digests(day_label: str, now: datetime | None = None) -> dict[str, int]:
    """One email per digest user with what is waiting for them; once per user and day."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0}
    if not mailer.is_configured():
        return counts
    user_ids = db.session.scalars(
        select(Notification.user_id)
        .where(Notification.email_status == EmailStatus.DIGEST)
        .distinct()
    ).all()
    for user_id in user_ids:
        if not claim_slot("daily-digest", f"{day_label}:u{user_id}"):
            continue
        user = db.session.get(User, user_id)
        if user is None:
            continue
        waiting = list(
            db.session.scalars(
                select(Notification)
                .where(
                    Notification.user_id == user_id,
                    Notification.email_status == EmailStatus.DIGEST,
                )
                .order_by(Notification.created_at)
            )
        )
        try:
            subject, text, html = _render(waiting, user, _digest_subject(len(waiting)))
            mailer.send_email(user.email, subject, text, html)
        except Exception as exc:  # noqa: BLE001 - retried by tomorrow's digest
            db.session.execute(
                delete(JobSlot).where(
                    JobSlot.job_id == "daily-digest", JobSlot.slot == f"{day_label}:u{user_id}"
                )
            )
            db.session.commit()
            counts["failed"] += 1
            observability.EMAILS.labels("failed").inc()
            log.warning("digest to %s failed: %s", user.email, exc)
            continue
        for notification in waiting:
            notification.email_status = EmailStatus.SENT
            notification.email_sent_at = utcnow()
        db.session.commit()
        counts["sent"] += 1
        observability.EMAILS.labels("sent").inc()
    return counts


def claim_slot(job_id: str, slot: str, detail: str = "") -> bool:
    """Claim a job's once-only work (e.g. the weekly report of a week). False if taken."""
    dialect = db.engine.dialect.name
    values = {"job_id": job_id, "slot": slot, "detail": detail, "created_at": utcnow()}
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(JobSlot).values(**values).on_conflict_do_nothing()
    claimed = db.session.execute(statement.returning(JobSlot.id)).first() is not None
    db.session.commit()
    return claimed
