"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from safetyops.accounts import operations as accounts
from safetyops.accounts import sessions
from safetyops.accounts.forms import LoginForm, PasswordChangeForm
from safetyops.core.access import allow, public
from safetyops.core.errors import ValidationFailed
from safetyops.core.forms import apply_errors
from safetyops.core.redirects import is_local_path
from safetyops.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.index"))
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            sessions.start_session(result.user)
            login_user(result.user)
            target = form.next.data
            return redirect(target if is_local_path(target) else url_for("home.index"))
        form.password.errors.append(result.error)
    return render_template("accounts/login.html", form=form)


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
