"""Single sign-on with OpenID Connect (Authlib): authorization code flow with PKCE, state
and nonce checked, the ID token's signature checked against the provider's keys and its
issuer and audience validated (Authlib does each of these). This module decides who may
enter once the provider has said who the person is."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _

from safetyops.accounts import operations as accounts
from safetyops.accounts.models import Role, User
from safetyops.audit import operations as audit
from safetyops.core.errors import ValidationFailed

EXTENSION = "safetyops_oauth"


@dataclass(frozen=True)
class SSOProvider:
    name: str
    label: str
    metadata_url: str
    client_id: str
    client_secret: str
    allowed_domains: tuple[str, ...] = ()
    create_users: bool = False
    new_user_role: str = Role.VIEWER.value


def providers(app: Flask | None = None) -> list[SSOProvider]:
    config = (app or current_app).config
    return [
        SSOProvider(
            name=p["name"],
            label=p.get("label") or p["name"],
            metadata_url=p["metadata_url"],
            client_id=p["client_id"],
            client_secret=p["client_secret"],
            allowed_domains=tuple(d.lower() for d in p.get("allowed_domains") or ()),
            create_users=bool(p.get("create_users", False)),
            new_user_role=p.get("new_user_role") or Role.VIEWER.value,
        )
        for p in config.get("SSO_PROVIDERS") or []
    ]


def init_app(app: Flask) -> None:
    """One Authlib registry per app (the provider's metadata is fetched on first use).
    Without providers Authlib is not even imported (a web worker starts faster)."""
    configured = providers(app)
    if not configured:
        app.extensions[EXTENSION] = None
        return
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    for provider in configured:
        oauth.register(
            name=provider.name,
            server_metadata_url=provider.metadata_url,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
    app.extensions[EXTENSION] = oauth


def client(name: str) -> Any:
    """The Authlib client of a configured provider, or None."""
    if name not in {p.name for p in providers()}:
        return None
    return current_app.extensions[EXTENSION].create_client(name)


def provider(name: str) -> SSOProvider | None:
    return next((p for p in providers() if p.name == name), None)


def claims_of(oauth_client: Any, token: dict[str, Any]) -> dict[str, Any]:
    """The checked ID token's claims; if it carries no email (some providers keep it for
    the userinfo endpoint), the userinfo answer for the same subject completes it."""
    claims = dict(token.get("userinfo") or {})
    if "email" not in claims:
        extra = dict(oauth_client.userinfo(token=token))
        if extra.get("sub") == claims.get("sub"):
            claims.update(
                {k: v for k, v in extra.items() if k in ("email", "email_verified", "name")}
            )
    return claims


def user_for(provider: SSOProvider, claims: dict[str, Any]) -> User:
    """The SafetyOps user the provider vouched for; ValidationFailed says why not."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is not True:
        raise ValidationFailed({"sso": _("Your account has no verified email address.")})
    domain = email.rsplit("@", 1)[-1]
    if provider.allowed_domains and domain not in provider.allowed_domains:
        raise ValidationFailed({"sso": _("Accounts of %(d)s may not sign in here.", d=domain)})
    user = accounts.find_user_by_email(email)
    if user is None:
        if not provider.create_users:
            raise ValidationFailed(
                {"sso": _("No SafetyOps account for %(e)s. Ask your safety department.", e=email)}
            )
        audit.set_context(None, "sso")
        user = accounts.create_user(
            email=email,
            name=str(claims.get("name") or email)[:120],
            role=provider.new_user_role,
            # Never typed: this account signs in through its provider.
            password=secrets.token_urlsafe(32),
        )
    if not user.active:
        raise ValidationFailed(
            {"sso": _("This account is deactivated. Ask your safety department.")}
        )
    return user
