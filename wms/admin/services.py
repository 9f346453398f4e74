"""Admin use cases: users and their credentials, devices, channels, the job list (API tokens: tokens.py).

Role changes take effect on the next request (the session stores only the user id) and on open
sockets within seconds (told `session.revoked`). Deactivating a user, resetting a PIN or a
password, or disabling a device ends the logins they hold (wms.auth.sessions). The last
active admin can't be demoted or deactivated, so the warehouse can never lock itself out.
"""
import json
import re
import secrets

from sqlalchemy import func, select

from wms import aftercommit, outbox_sweep, worker
from wms.admin.credentials import MIN_PASSWORD_LENGTH, password_problem, pin_problem
from wms.auth import roles
from wms.auth import services as auth_services
from wms.auth import sessions
from wms.auth.models import Device, User
from wms.channels import settings_forms as channel_settings
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.i18n import LOCALES
from wms.orders.models import Channel
from wms.rows import get_or_not_found
from wms.worker import QueuedJob

PLATFORMS = ("manual", "shopify", "taobao", "pdd", "jd", "douyin")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
_CHANNEL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


# --- users ------------------------------------------------------------------------------------

def list_users():
    return db.session.scalars(select(User).order_by(User.active.desc(), User.role, User.username)).all()


def get_user(user_id):
    return get_or_not_found(User, user_id, "No such user")


def create_user(username, display_name, role, password=None, pin=None, locale="zh_CN"):
    """A new active user with a fresh badge; password and PIN are optional (desk vs floor staff)."""
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise ValidationFailed("A username is 2-64 letters, digits, '.', '_' or '-'", field="username")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise _refusal("The username '{username}' is taken", "username", username=username)
    _check_role(role)
    _check_locale(locale)
    user = User(username=username, display_name=_display_name(display_name, username), role=role,
                locale=locale, active=True, badge_secret=secrets.token_urlsafe(18))
    if password:
        _apply_password(user, password)
    if pin:
        _apply_pin(user, pin)
    db.session.add(user)
    db.session.commit()
    return user


def update_user(user_id, display_name=None, role=None, locale=None, active=None):
    """Change a user's name, role, language or active flag (None leaves a field as it is)."""
    user = get_user(user_id)
    previous_role = user.role
    if role is not None:
        _check_role(role)
        if user.role == roles.ADMIN and role != roles.ADMIN:
            _keep_an_admin(user, "demote")
    if active is not None and not active and user.role == roles.ADMIN:
        _keep_an_admin(user, "deactivate")
    if locale is not None:
        _check_locale(locale)
    if role is not None:
        user.role = role
    if active is not None:
        user.active = bool(active)
    if display_name is not None:
        user.display_name = _display_name(display_name, user.username)
    if locale is not None:
        user.locale = locale
    if active is not None and not active:
        sessions.end_for_user(user.id, "deactivated")
    elif role is not None and role != previous_role:
        sessions.announce(user.id, "role_changed")
    aftercommit.commit()
    return user


def deactivate(user_id):
    """The user can no longer log in; their sessions and handheld tokens stop working at once."""
    return update_user(user_id, active=False)


def reactivate(user_id):
    return update_user(user_id, active=True)


def set_password(user_id, password, keep_login=None):
    """A new password; the user's desk logins end (log in again with it), but `keep_login` (the key
    of the admin's own login, when they change their own password)."""
    user = get_user(user_id)
    _apply_password(user, password)
    sessions.end_for_user(user.id, "password_reset", kind=sessions.WEB, keep=keep_login)
    aftercommit.commit()
    return user


def set_pin(user_id, pin):
    """A new PIN; the user's handheld logins end (their tokens stop working)."""
    user = get_user(user_id)
    _apply_pin(user, pin)
    sessions.end_for_user(user.id, "pin_reset", kind=sessions.HANDHELD)
    aftercommit.commit()
    return user


def unlock(user_id):
    """Clear a user's lockout."""
    return auth_services.unlock_user(user_id)


def rotate_badge(user_id):
    """A new badge secret for the user (the old printed badge stops working)."""
    get_user(user_id)
    return auth_services.rotate_badge(user_id)


def badge_users(user_ids=None):
    """Active users with a badge, for the printable sheet (all of them, or the given ids)."""
    query = select(User).where(User.active.is_(True), User.badge_secret.is_not(None))
    if user_ids:
        query = query.where(User.id.in_(user_ids))
    return db.session.scalars(query.order_by(User.role, User.username)).all()


def _apply_password(user, password):
    problem = password_problem(password, user.username)
    if problem:
        raise _refusal(problem, "password", n=MIN_PASSWORD_LENGTH)
    user.set_password(password)


def _apply_pin(user, pin):
    problem = pin_problem(str(pin or "").strip())
    if problem:
        raise ValidationFailed(problem, field="pin")
    user.set_pin(str(pin).strip())


def _keep_an_admin(user, action):
    others = db.session.scalar(select(func.count(User.id)).where(
        User.role == roles.ADMIN, User.active.is_(True), User.id != user.id))
    if user.active and not others:
        template = ("The last active admin can't be demoted; make another admin first" if action == "demote"
                    else "The last active admin can't be deactivated; make another admin first")
        raise _refusal(template, "role" if action == "demote" else "active")


def _check_role(role):
    if role not in roles.HUMAN_ROLES:
        raise _refusal("Unknown role '{role}'", "role", role=role)


def _check_locale(locale):
    if locale not in LOCALES:
        raise _refusal("Unknown language '{code}'", "locale", code=locale)


def _display_name(name, fallback):
    name = (name or "").strip()[:120]
    return name or fallback


def _refusal(template, field=None, **values):
    """A ValidationFailed whose English message pages can translate (template + values kept)."""
    return ValidationFailed.worded(template, **values, details={"field": field})


# --- devices ----------------------------------------------------------------------------------

def list_devices():
    return db.session.scalars(select(Device).order_by(Device.active.desc(), Device.name)).all()


def set_device_active(device_id, active):
    """Enable or disable a device; a disabled device's logins end and its next login is refused."""
    device = _get_device(device_id)
    device.active = bool(active)
    if not device.active:
        sessions.end_for_device(device.code, "device_revoked")
    aftercommit.commit()
    return device


def enable_device(device_id):
    return set_device_active(device_id, True)


def disable_device(device_id):
    return set_device_active(device_id, False)


def rename_device(device_id, name):
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A device needs a name", field="name")
    device = _get_device(device_id)
    device.name = name[:120]
    db.session.commit()
    return device


def _get_device(device_id):
    return get_or_not_found(Device, device_id, "No such device")


# --- channels ---------------------------------------------------------------------------------

def list_channels():
    return db.session.scalars(select(Channel).order_by(Channel.active.desc(), Channel.code)).all()


def get_channel(channel_id):
    return get_or_not_found(Channel, channel_id, "No such channel")


def create_channel(code, name, platform="manual", settings=None, notifies_buyers=False,
                   virtual_shipping=False, active=True, settings_form=None):
    """A new sales channel (store); `settings` is a dict or a JSON object text, or `settings_form` the
    page's posted settings fields (wms.channels.settings_forms), checked by the platform's form."""
    code = (code or "").strip()
    if not _CHANNEL_CODE.match(code):
        raise ValidationFailed("A channel code is 1-40 letters, digits, '.', '_' or '-'", field="code")
    if db.session.scalar(select(Channel.id).where(func.lower(Channel.code) == code.lower())):
        raise _refusal("The channel code '{code}' is taken", "code", code=code)
    settings = {"settings_form": settings_form} if settings_form is not None else {"settings": settings or {}}
    values = _channel_values(name=name, platform=platform, notifies_buyers=notifies_buyers,
                             virtual_shipping=virtual_shipping, active=active, **settings)
    channel = Channel(code=code, **values)
    db.session.add(channel)
    db.session.commit()
    return channel


def update_channel(channel_id, **fields):
    """Change name, platform, settings (or settings_form: the page's posted fields), notifies_buyers,
    virtual_shipping or active."""
    channel = get_channel(channel_id)
    for field, value in _channel_values(channel, **fields).items():
        setattr(channel, field, value)
    db.session.commit()
    return channel


def _channel_values(channel=None, **fields):
    """The checked values of the given channel fields; raises before anything is changed."""
    unknown = set(fields) - {"name", "platform", "settings", "settings_form", "notifies_buyers", "virtual_shipping",
                             "active"}
    if unknown:
        raise ValidationFailed.worded("Unknown channel field(s): {fields}", fields=", ".join(sorted(unknown)))
    values = {}
    if "name" in fields:
        values["name"] = (fields["name"] or "").strip()[:120]
        if not values["name"]:
            raise ValidationFailed("A channel needs a name", field="name")
    if "platform" in fields:
        if fields["platform"] not in PLATFORMS:
            raise _refusal("Unknown platform '{platform}'", "platform", platform=fields["platform"])
        values["platform"] = fields["platform"]
    form = channel_settings.form_for(values.get("platform") or (channel.platform if channel else "manual"))
    if "settings_form" in fields:
        values["settings"] = form.read_page(fields["settings_form"], current=channel.settings if channel else {})
    elif "settings" in fields:
        values["settings"] = form.check(_parse_settings(fields["settings"]))
    for flag in ("notifies_buyers", "virtual_shipping", "active"):
        if flag in fields:
            values[flag] = bool(fields[flag])
    return values


def _parse_settings(settings):
    if isinstance(settings, str):
        try:
            settings = json.loads(settings.strip() or "{}")
        except ValueError as error:
            raise ValidationFailed.worded("Settings are not valid JSON: {error}", error=str(error),
                                          details={"field": "settings"})
    if not isinstance(settings, dict):
        raise ValidationFailed('Settings must be a JSON object, e.g. {"base_url": "..."}', field="settings")
    return settings


# --- background jobs --------------------------------------------------------------------------

def list_jobs(limit=200):
    """Failed jobs first, then the rest newest first."""
    # Two index walks (ix_queued_jobs_status, then the primary key backwards) instead of one sort of
    # every job a year of work queued: the same rows in the same order.
    failed = db.session.scalars(select(QueuedJob).where(QueuedJob.status == "failed")
                                .order_by(QueuedJob.id.desc()).limit(limit)).all()
    if len(failed) >= limit:
        return failed
    return failed + db.session.scalars(select(QueuedJob).where(QueuedJob.status != "failed")
                                       .order_by(QueuedJob.id.desc()).limit(limit - len(failed))).all()


def stuck_jobs():
    """Jobs not finished within their time: waiting longer than JOB_REQUEUE_SECONDS, or running for a
    worker that is gone (wms.outbox). The worker's sweep pushes them again by itself; a person may too."""
    return outbox_sweep.stuck_jobs()


def stuck_after_minutes():
    """After how many minutes a waiting job counts as stuck (for the page's explanation)."""
    return max(1, round(outbox_sweep.requeue_after().total_seconds() / 60))


def retry_job(job_id):
    """Push a failed or stuck job again now."""
    job = get_or_not_found(QueuedJob, job_id, "No such job")
    if job.status != "failed" and not outbox_sweep.is_stuck(job):
        raise ValidationFailed("Only a failed or stuck job can be retried", field="status")
    worker.retry_job(job_id)
    return db.session.get(QueuedJob, job_id)
