"""Admin desk pages: users, roles, badges, devices, API tokens, channels and the job list."""
from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from wms.admin import badges as badge_images
from wms.admin import job_titles, services
from wms.admin import tokens as token_services
from wms.auth import roles
from wms.auth.access import allow
from wms.auth.services import badge_payload
from wms.auth_loaders import SESSION_KEY
from wms.channels import settings_forms as channel_settings
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import LOCALES, _, language_name
from wms.orders import deadlines, ship_by
from wms.timeutil import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")

# What each capability lets a role do, for the roles page (in the order people read it).
CAPABILITIES = (
    ("MANAGE", "Users, devices, channels, SKUs, tokens"),
    ("SUPERVISE", "Waves, reassignments, background jobs"),
    ("REVIEW", "Review queue"),
    ("IMPORT", "Order import"),
    ("OFFICE", "Desk pages"),
    ("PICK", "Handheld picking"),
    ("PACK", "Pack station"),
    ("HANDOVER", "Dock handover"),
    ("FLOOR", "Floor screens"),
)


# --- users ------------------------------------------------------------------------------------

@bp.get("/users")
@allow(roles.MANAGE)
def users():
    """All users with their role, lockout and credentials, and the form to add one."""
    return _users_page()


@bp.post("/users")
@allow(roles.MANAGE)
def create_user():
    """Add a user (password for desk staff, PIN for floor staff, or both); a refused one comes back
    as typed (secrets aside) with the wrong input marked."""
    form = request.form
    with flash_errors() as refused:
        user = services.create_user(form.get("username"), form.get("display_name"), form.get("role"),
                                    password=form.get("password") or None, pin=form.get("pin") or None,
                                    locale=form.get("locale") or "zh_CN")
    if refused:
        return _users_page(form=form, refused=refused), refused.status
    flash(_("User {name} created", name=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _users_page(form=None, refused=None):
    return render_template("admin/users.html", users=services.list_users(), form=form or {},
                           errors=field_errors(refused), now=utcnow(), **_user_choices())


def _user_choices():
    """The role and language selects of the user forms, in the reader's language."""
    return {"role_choices": [(role, _(role)) for role in roles.HUMAN_ROLES],
            "locale_choices": [(locale, language_name(locale)) for locale in LOCALES]}


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(roles.MANAGE)
def edit_user(user_id):
    """One user: name, role, language; credentials, lockout and badge actions. A refused save comes
    back as typed with the wrong input marked, nothing saved."""
    if request.method == "POST":
        form = request.form
        with flash_errors() as refused:
            services.update_user(user_id, display_name=form.get("display_name"), role=form.get("role"),
                                 locale=form.get("locale"))
        if refused:
            return _user_page(user_id, form, refused), refused.status
        flash(_("Saved"), "success")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    return _user_page(user_id)


def _user_page(user_id, form=None, refused=None):
    """The user's page; after a refusal, the posted name, role and language and the input to correct
    (a refused password or PIN is marked, never written back into the page)."""
    return render_template("admin/user_edit.html", u=services.get_user(user_id), form=form or {},
                           errors=field_errors(refused), now=utcnow(), **_user_choices())


@bp.post("/users/<int:user_id>/password")
@allow(roles.MANAGE)
def reset_password(user_id):
    """Set a new password (at least 8 characters); a refused one is marked on the user's page."""
    own_login = session.get(SESSION_KEY) if user_id == current_user.id else None
    return _credential(user_id, lambda: services.set_password(user_id, request.form.get("password", ""),
                                                              keep_login=own_login), "Password changed")


@bp.post("/users/<int:user_id>/pin")
@allow(roles.MANAGE)
def reset_pin(user_id):
    """Set a new 6-digit handheld PIN; a refused one is marked on the user's page."""
    return _credential(user_id, lambda: services.set_pin(user_id, request.form.get("pin", "")), "PIN changed")


def _credential(user_id, action, done):
    with flash_errors() as refused:
        action()
    if refused:
        return _user_page(user_id, refused=refused), refused.status
    flash(_(done), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/unlock")
@allow(roles.MANAGE)
def unlock_user(user_id):
    """Clear a lockout after too many failed logins."""
    return _user_action(user_id, lambda: services.unlock(user_id), "Unlocked")


@bp.post("/users/<int:user_id>/badge")
@allow(roles.MANAGE)
def rotate_badge(user_id):
    """Issue a new badge; the old printed badge stops working."""
    return _user_action(user_id, lambda: services.rotate_badge(user_id), "New badge issued; print it")


@bp.post("/users/<int:user_id>/active")
@allow(roles.MANAGE)
def set_active(user_id):
    """Deactivate or reactivate a user."""
    active = request.form.get("active") == "1"
    return _user_action(user_id, lambda: services.update_user(user_id, active=active),
                        "Reactivated" if active else "Deactivated")


def _user_action(user_id, action, done):
    with flash_errors():
        action()
        flash(_(done), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.get("/roles", endpoint="roles")
@allow(roles.MANAGE)
def roles_page():
    """Which role may do what."""
    matrix = [(name, label, getattr(roles, name)) for name, label in CAPABILITIES]
    return render_template("admin/roles.html", matrix=matrix, roles=roles.HUMAN_ROLES)


# --- badges -----------------------------------------------------------------------------------

@bp.get("/badges")
@allow(roles.MANAGE)
def badges():
    """A printable A4 sheet of badges (all active users, or ?user=<id>&user=<id>)."""
    cards = [dict(card, qr=badge_images.qr_data_uri(card["payload"])) for card in _cards()]
    return render_template("admin/badges.html", cards=cards, user_ids=request.args.getlist("user"))


@bp.get("/badges.pdf")
@allow(roles.MANAGE)
def badges_pdf():
    """The same badges as a PDF to print."""
    pdf = badge_images.badges_pdf(_cards())
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": "inline; filename=badges.pdf", "Cache-Control": "no-store"})


def _cards():
    ids = [int(i) for i in request.args.getlist("user") if i.isascii() and i.isdigit()]
    return [{"name": u.display_name, "username": u.username, "role": _(u.role), "payload": badge_payload(u)}
            for u in services.badge_users(ids)]


# --- devices ----------------------------------------------------------------------------------

@bp.get("/devices")
@allow(roles.MANAGE)
def devices():
    """Handhelds and pack-station tablets seen so far."""
    return _devices_page()


def _devices_page(refused_id=None, typed="", refused=None):
    """The devices; after a refused rename, that row's name input as typed and marked."""
    return render_template("admin/devices.html", devices=services.list_devices(), refused_id=refused_id, typed=typed,
                           errors=field_errors(refused))


@bp.post("/devices/<int:device_id>")
@allow(roles.MANAGE)
def update_device(device_id):
    """Rename, enable or disable a device."""
    action = request.form.get("action")
    with flash_errors() as refused:
        if action == "enable":
            services.enable_device(device_id)
        elif action == "disable":
            services.disable_device(device_id)
        else:
            services.rename_device(device_id, request.form.get("name"))
    if refused and action not in ("enable", "disable"):
        return _devices_page(device_id, request.form.get("name", ""), refused), refused.status
    if not refused:
        flash(_("Saved"), "success")
    return redirect(url_for("admin.devices"))


# --- API tokens -------------------------------------------------------------------------------

@bp.route("/tokens", methods=["GET", "POST"])
@allow(roles.MANAGE)
def tokens():
    """Integration API tokens; a new token's value is shown once, on this response only."""
    plain, status, form, refused = None, 200, {}, None
    if request.method == "POST":
        with flash_errors() as refused:
            _token, plain = token_services.create_token(
                request.form.get("name"), request.form.get("role") or roles.INTEGRATION,
                channels=request.form.getlist("channels"), scopes=request.form.getlist("scopes"),
                expires_days=request.form.get("expires_days") or None)
        status, form = (refused.status, request.form) if refused else (201, {})
    html = render_template("admin/tokens.html", tokens=token_services.list_tokens(), plain=plain, roles=roles.ALL_ROLES,
                           channels=services.list_channels(), scopes=roles.TOKEN_SCOPES, now=utcnow(),
                           form=form, errors=field_errors(refused),
                           role_choices=[(role, _(role)) for role in roles.ALL_ROLES])
    return html, status, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/revoke")
@allow(roles.MANAGE)
def revoke_token(token_id):
    """Revoke a token: the integration using it is refused from the next request."""
    with flash_errors():
        token_services.revoke_token(token_id)
        flash(_("Token revoked"), "success")
    return redirect(url_for("admin.tokens"))


# --- channels ---------------------------------------------------------------------------------

@bp.route("/channels", methods=["GET", "POST"])
@allow(roles.MANAGE)
def channels():
    """Sales channels (stores), and the form to add one (the platform's settings as fields)."""
    if request.method == "POST":
        with flash_errors() as refused:
            channel = services.create_channel(request.form.get("code"), **_channel_form())
        if refused:
            return _channels_page(request.form, field_errors(refused)), refused.status
        flash(_("Channel {code} created", code=channel.code), "success")
        return redirect(url_for("admin.channels"))
    return _channels_page({"platform": "manual", "active": "on", "settings": "{}"})


def _channels_page(values, errors=None):
    return render_template("admin/channels.html", channels=services.list_channels(), values=values,
                           errors=errors or {}, saved_secrets=set(), **_channel_choices())


@bp.route("/channels/<int:channel_id>", methods=["GET", "POST"])
@allow(roles.MANAGE)
def edit_channel(channel_id):
    """Edit a channel's name, platform, settings and flags; a refused post shows what was typed."""
    channel = services.get_channel(channel_id)
    if request.method == "POST":
        with flash_errors() as refused:
            services.update_channel(channel_id, **_channel_form())
        if not refused:
            flash(_("Saved"), "success")
            return redirect(url_for("admin.edit_channel", channel_id=channel_id))
        return _channel_page(channel, request.form, field_errors(refused)), refused.status
    return _channel_page(channel, _channel_values(channel))


@bp.post("/channels/<int:channel_id>/ship-by")
@allow(roles.MANAGE)
def channel_ship_by(channel_id):
    """Set the channel's ship-by rule (承诺发货时间) for orders whose platform promises none."""
    with flash_errors() as refused:
        deadlines.set_channel_rule(channel_id, request.form.get("ship_cutoff"), request.form.get("ship_within_hours"))
    if refused:
        channel = services.get_channel(channel_id)
        return _channel_page(channel, _channel_values(channel), field_errors(refused), request.form), refused.status
    flash(_("Saved"), "success")
    return redirect(url_for("admin.edit_channel", channel_id=channel_id))


def _channel_page(channel, values, errors=None, ship_by_values=None):
    form = channel_settings.form_for(channel.platform)
    ship_by_values = ship_by_values or {"ship_cutoff": ship_by.cutoff_text(channel.ship_cutoff_minute),
                                        "ship_within_hours": channel.ship_within_hours or ""}
    return render_template("admin/channel_edit.html", channel=channel, values=values, errors=errors or {},
                           saved_secrets=form.stored_secrets(channel.settings), ship_by_values=ship_by_values,
                           **_channel_choices())


def _channel_values(channel):
    """The edit form's values of a stored channel: its settings as fields, the rest as JSON."""
    form = channel_settings.form_for(channel.platform)
    return {"name": channel.name, "platform": channel.platform, "notifies_buyers": channel.notifies_buyers,
            "virtual_shipping": channel.virtual_shipping, "active": channel.active,
            **form.page_values(channel.settings), "settings": form.advanced_text(channel.settings)}


def _channel_choices():
    platforms = [(p, _(channel_settings.PLATFORM_LABELS.get(p, p))) for p in services.PLATFORMS]
    return {"platform_choices": platforms, "family": channel_settings.CHANNEL_SETTINGS}


def _channel_form():
    form = request.form
    return {"name": form.get("name"), "platform": form.get("platform") or "manual", "settings_form": form,
            "notifies_buyers": "notifies_buyers" in form, "virtual_shipping": "virtual_shipping" in form,
            "active": "active" in form}


# --- jobs -------------------------------------------------------------------------------------

@bp.get("/jobs")
@allow(roles.SUPERVISE)
def jobs():
    """Background jobs: the stuck ones on top, then failed ones first with their last error."""
    return render_template("admin/jobs.html", jobs=services.list_jobs(), stuck=services.stuck_jobs(),
                           stuck_minutes=services.stuck_after_minutes(), titles=job_titles.TITLES)


@bp.post("/jobs/<int:job_id>/retry")
@allow(roles.SUPERVISE)
def retry_job(job_id):
    """Push a failed or stuck job again now."""
    with flash_errors():
        services.retry_job(job_id)
        flash(_("Job {id} queued again", id=job_id), "success")
    return redirect(url_for("admin.jobs"))
