"""Login and logout at the desk, the home redirect and the language switch (the handheld's token
login is wms/auth/api.py)."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from wms.auth import menu, navigation, roles, services, sessions
from wms.auth.access import allow, public
from wms.auth_loaders import SESSION_KEY
from wms.errors import LockedOut, ValidationFailed, error_text, flash_errors
from wms.extensions import db
from wms.i18n import LOCALES, _

bp = Blueprint("auth", __name__)
bp.app_context_processor(menu.template_context)  # every page's menu and search box


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Desktop login with username and password (or the PIN, which floor staff know by heart)."""
    if request.method == "POST":
        with flash_errors(text=_refusal_text) as refused:
            user = services.authenticate_desk(request.form.get("username"), request.form.get("password", ""),
                                              address=request.remote_addr)
        if refused:
            locked = isinstance(refused.error, LockedOut)
            # the username stays typed (the password never comes back); no input is marked, so a failed
            # login does not say whether the name or the password was wrong
            return render_template("auth/login.html", locked=locked, username=request.form.get("username", "")), \
                refused.status, _retry_after(refused.error)
        session.clear()  # nothing of an earlier login (or a planted cookie) carries over
        session.permanent = True
        session[SESSION_KEY] = sessions.start(user, sessions.WEB)
        login_user(user)
        target = request.args.get("next") or ""
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("auth.home")
        return redirect(target)
    return render_template("auth/login.html")


@bp.post("/logout")
@allow(roles.EVERYONE)
def logout():
    """End the session (the login is ended in the store: a copy of the cookie no longer works)."""
    sessions.end(session.get(SESSION_KEY))
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/")
@public
def home():
    """Send each role to its own first screen."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(navigation.home_endpoint(current_user.role)))


@bp.post("/me/locale")
@allow(roles.EVERYONE)
def set_locale():
    """Switch the UI language for this user."""
    locale = request.form.get("locale")
    if locale not in LOCALES:
        raise ValidationFailed("Unknown language", field="locale")
    current_user.locale = locale
    db.session.commit()
    return redirect(request.referrer or url_for("auth.home"))


def _refusal_text(error):
    """The refusal in the user's language; a lockout's minutes travel in its details."""
    if isinstance(error, LockedOut):
        template = services.ADDRESS_LOCKED if error.details.get("scope") == "address" else services.USER_LOCKED
        return _(template, minutes=error.details.get("retry_after_min", 1))
    return error_text(error)


def _retry_after(error):
    minutes = error.details.get("retry_after_min") if isinstance(error, LockedOut) else None
    return {"Retry-After": str(minutes * 60)} if minutes else {}

