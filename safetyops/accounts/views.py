"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from safetyops.accounts import operations as accounts
from safetyops.accounts import sessions, sso
from safetyops.accounts.forms import LanguageForm, LoginForm, PasswordChangeForm
from safetyops.accounts.models import Role
from safetyops.core import i18n
from safetyops.core.access import allow, public
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import apply_errors
from safetyops.core.redirects import is_local_path
from safetyops.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    """The account a sign-in names (normalised like stored emails), as the throttle's key."""
    return "login-account:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.index"))
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data)
        if (
            result.user is not None
            and not current_app.config.get("PASSWORD_SIGNIN", True)
            and result.user.role != Role.SAFETY_ADMIN
        ):
            result = accounts.SignInResult(None, _("Use your district's sign-in button above."))
        if result.user is not None:
            sessions.start_session(result.user)
            login_user(result.user)
            target = form.next.data
            return redirect(target if is_local_path(target) else url_for("home.index"))
        form.password.errors.append(result.error)
    return render_template(
        "accounts/login.html",
        form=form,
        language_form=LanguageForm(next=form.next.data or ""),
        sso_providers=sso.providers(),
        password_signin=current_app.config.get("PASSWORD_SIGNIN", True),
    )


@bp.route("/login/sso/<name>")
@public
def sso_start(name: str):
    """Off to the district's identity provider (state, nonce and PKCE kept in the session).
    A link, not a form: browsers apply the page's CSP form-action to a form's redirect, and
    starting a sign-in changes nothing until the provider sends the person back."""
    oauth_client = sso.client(name)
    if oauth_client is None:
        abort(404)
    from authlib.integrations.base_client.errors import OAuthError
    from requests import RequestException

    target = request.args.get("next") or ""
    session["sso_next"] = target if is_local_path(target) else ""
    try:
        return oauth_client.authorize_redirect(
            url_for("accounts.sso_callback", name=name, _external=True)
        )
    except (OAuthError, RequestException, ValueError):
        current_app.logger.exception("SSO provider %s unreachable", name)
        flash(_("The district sign-in is not reachable right now. Try again shortly."), "error")
        return redirect(url_for("accounts.login"))


@bp.route("/login/sso/<name>/callback")
@public
def sso_callback(name: str):
    """Back from the provider: the code is exchanged and the ID token checked (signature,
    issuer, audience, nonce, expiry; state before that), then our own rules decide."""
    provider, oauth_client = sso.provider(name), sso.client(name)
    if provider is None or oauth_client is None:
        abort(404)
    # Imported here: only a configured provider needs Authlib (cold start, issue 16).
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    try:
        token = oauth_client.authorize_access_token()
        user = sso.user_for(provider, sso.claims_of(oauth_client, token))
    except ValidationFailed as exc:
        flash(next(iter(exc.errors.values())), "error")
        return redirect(url_for("accounts.login"))
    except (OAuthError, JoseError, RequestException, ValueError) as exc:
        current_app.logger.warning("SSO sign-in via %s refused: %s", name, exc)
        flash(_("The district sign-in could not be completed. Please try again."), "error")
        return redirect(url_for("accounts.login"))
    sessions.start_session(user)
    login_user(user)
    target = session.pop("sso_next", "")
    return redirect(target if is_local_path(target) else url_for("home.index"))


@bp.route("/logout", methods=["POST"])
@allow()
def logout():
    sessions.end_session(current_user.session_secret)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow()
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            # Every session ended with the change; this device gets a new one.
            user = current_user._get_current_object()
            sessions.start_session(user)
            login_user(user)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form)


@bp.route("/language", methods=["POST"])
@public
def choose_language():
    """The login page's language switch: remembered in the session until sign-in (then the
    profile's choice, if any, wins). Back to the login page only, keeping a local ``next``."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)  # the CSRF token is missing or stale
    locale = i18n.normalise(request.form.get("locale"))
    if locale is None:
        flash(_("That language is not available."), "error")
    else:
        session[i18n.SESSION_KEY] = locale
    target = form.next.data or ""
    return redirect(url_for("accounts.login", next=target if is_local_path(target) else None))
