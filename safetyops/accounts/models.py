"""Staff accounts: employers, users, their campus assignments and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check, utcnow
from safetyops.notifications.models import EmailPreference

if TYPE_CHECKING:
    from safetyops.campuses.models import Campus


class Role(enum.StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    PRINCIPAL = "principal"
    SAFETY_ADMIN = "safety_admin"
    VIEWER = "viewer"


# Roles that see every campus; the others see only the campuses they are assigned to.
DISTRICT_WIDE_ROLES = frozenset({Role.SAFETY_ADMIN, Role.VIEWER})
# Who walks rounds and posts their results (pages, API, the offline outbox, the fast lane).
WALKERS = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.SAFETY_ADMIN})


class EmployerKind(enum.StrEnum):
    DISTRICT = "district"
    CONTRACTOR = "contractor"


user_campus = Table(
    "user_campus",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("campus_id", ForeignKey("campus.id", ondelete="CASCADE"), primary_key=True),
)


class Employer(Base):
    __tablename__ = "employer"
    __table_args__ = (enum_check("kind", EmployerKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=EmployerKind.DISTRICT)

    users: Mapped[list[User]] = relationship(back_populates="employer")


class User(UserMixin, Base):
    __tablename__ = "user"
    __table_args__ = (
        enum_check("role", Role),
        enum_check("email_preference", EmailPreference),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Noted when the password is set, so check-deploy needs no argon2 per user (None: not
    # yet known, for passwords set before the note existed).
    password_is_demo: Mapped[bool | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None]
    # Kept in step with the district's staff roster (OneRoster sync): deactivated when it
    # leaves the roster. Contracted officers, not in the roster, are never touched.
    managed_by_roster: Mapped[bool] = mapped_column(default=False, server_default=false())
    roster_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # How notifications reach this user by email: each, daily digest, or none (in-app only).
    email_preference: Mapped[str] = mapped_column(String(10), default="each")
    # The language pages, emails and notifications use for this user ("es", "vi"...; one of
    # the configured LANGUAGES). None: the browser's Accept-Language decides. No CHECK: a
    # new language is a catalog, not a migration (core/i18n.py ignores unknown values).
    locale: Mapped[str | None] = mapped_column(String(10))

    employer: Mapped[Employer | None] = relationship(back_populates="users")
    campuses: Mapped[list[Campus]] = relationship(
        secondary=user_campus, order_by="Campus.name", back_populates="staff"
    )
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return self.active

    @property
    def session_secret(self) -> str | None:
        """The secret of the session this request signed in with (set by
        accounts.sessions; not a column). Flask-Login keeps it in the cookie, so each
        browser sign-in is its own session."""
        return self.__dict__.get("_session_secret")

    @session_secret.setter
    def session_secret(self, value: str | None) -> None:
        self.__dict__["_session_secret"] = value

    def get_id(self) -> str | None:
        return self.session_secret

    @property
    def sees_all_campuses(self) -> bool:
        return self.role in DISTRICT_WIDE_ROLES

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(Base):
    """One browser sign-in. Only the digest of the cookie's secret is stored."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    # sha256 of a 256-bit random secret: fast to check, useless if the table leaks.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")
