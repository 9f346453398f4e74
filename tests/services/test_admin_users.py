"""Admin use cases: users, credentials, the last admin, devices, tokens, channels, jobs."""
import pytest

from tests.builders_admin import make_device, make_job, make_users
from wms.admin import services, tokens
from wms.admin.credentials import is_trivial_pin, password_problem, pin_problem
from wms.auth.models import User
from wms.auth.services import authenticate_badge, authenticate_password, authenticate_pin, principal_for_api_token
from wms.errors import NotFound, PermissionDenied, ValidationFailed
from wms.orders.models import Channel


@pytest.mark.parametrize("pin", ["000000", "123456", "654321", "111111", "121212", "123123", "112233", "890123",
                                 "101010", "123321", "520520"])
def test_trivially_guessable_pins_are_refused(pin):
    assert is_trivial_pin(pin)
    assert pin_problem(pin) == "This PIN is too easy to guess; choose another"


@pytest.mark.parametrize("pin", ["482915", "730164", "295837"])
def test_ordinary_pins_are_accepted(pin):
    assert pin_problem(pin) is None


@pytest.mark.parametrize("pin", ["48291", "4829156", "48a915", ""])
def test_a_pin_is_exactly_six_digits(pin):
    assert pin_problem(pin) == "A PIN is exactly 6 digits"


def test_a_password_needs_eight_characters_and_is_not_the_username():
    assert password_problem("short") is not None
    assert password_problem("annabell", "AnnaBell") == "The password must not be the username"
    assert password_problem("long enough") is None


def test_create_user_with_password_and_pin_lets_them_log_in_both_ways(app):
    user = services.create_user("lin", "林", "picker", password="warehouse-1", pin="730164")
    assert authenticate_password("lin", "warehouse-1").id == user.id
    assert authenticate_pin("lin", "730164").id == user.id
    assert user.badge_secret and user.locale == "zh_CN" and user.active


def test_a_new_user_gets_a_badge_that_logs_them_in(app):
    from wms.auth.services import badge_payload

    user = services.create_user("lin", "林", "packer")
    assert authenticate_badge(badge_payload(user)).id == user.id


@pytest.mark.parametrize("fields, field", [
    (dict(username="a", display_name="A", role="picker"), "username"),
    (dict(username="bad name", display_name="A", role="picker"), "username"),
    (dict(username="lin2", display_name="A", role="boss"), "role"),
    (dict(username="lin2", display_name="A", role="picker", password="short"), "password"),
    (dict(username="lin2", display_name="A", role="picker", pin="123456"), "pin"),
    (dict(username="lin2", display_name="A", role="picker", locale="fr"), "locale"),
])
def test_bad_user_input_is_refused_and_nothing_is_created(app, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(**fields)
    assert refused.value.details["field"] == field
    assert User.query.count() == 0


def test_usernames_are_unique_ignoring_case(app):
    services.create_user("Lin", "Lin", "picker")
    with pytest.raises(ValidationFailed, match="taken"):
        services.create_user("lin", "Other", "picker")


def test_set_pin_refuses_an_easy_pin_and_keeps_the_old_one(app):
    user = make_users("picker", 1)[0]
    with pytest.raises(ValidationFailed, match="too easy"):
        services.set_pin(user.id, "000000")
    assert authenticate_pin(user.username, "482915").id == user.id


def test_set_password_changes_the_password(app):
    user = make_users("admin", 1)[0]
    services.set_password(user.id, "brand-new-pass")
    assert authenticate_password(user.username, "brand-new-pass").id == user.id
    with pytest.raises(PermissionDenied):
        authenticate_password(user.username, "secret-pass")


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(app):
    admin = make_users("admin", 1)[0]
    with pytest.raises(ValidationFailed, match="last active admin"):
        services.update_user(admin.id, role="supervisor")
    with pytest.raises(ValidationFailed, match="last active admin"):
        services.deactivate(admin.id)
    assert admin.role == "admin" and admin.active


def test_an_admin_can_be_demoted_once_another_admin_exists(app):
    first, second = make_users("admin", 2)
    services.update_user(first.id, role="supervisor")
    assert first.role == "supervisor"
    with pytest.raises(ValidationFailed):
        services.deactivate(second.id)


def test_an_inactive_admin_does_not_count_as_the_other_admin(app):
    first, second = make_users("admin", 2)
    services.deactivate(second.id)
    with pytest.raises(ValidationFailed):
        services.update_user(first.id, role="picker")


def test_a_refused_update_changes_no_field(app):
    user = make_users("picker", 1)[0]
    with pytest.raises(ValidationFailed):
        services.update_user(user.id, display_name="New name", locale="xx")
    assert User.query.get(user.id).display_name == "Picker 0"


def test_a_deactivated_user_can_no_longer_log_in(app):
    make_users("admin", 1)
    user = make_users("picker", 1)[0]
    services.deactivate(user.id)
    with pytest.raises(PermissionDenied):
        authenticate_pin(user.username, "482915")
    services.reactivate(user.id)
    assert authenticate_pin(user.username, "482915").id == user.id


def test_unlock_clears_a_lockout(app):
    from datetime import timedelta

    from wms.timeutil import utcnow

    user = make_users("picker", 1)[0]
    user.locked_until, user.failed_logins = utcnow() + timedelta(minutes=10), 3
    services.unlock(user.id)
    assert user.locked_until is None and user.failed_logins == 0


def test_rotating_a_badge_revokes_the_old_one(app):
    from wms.auth.services import badge_payload

    user = make_users("picker", 1)[0]
    old = badge_payload(user)
    new = services.rotate_badge(user.id)
    assert new != old
    with pytest.raises(PermissionDenied):
        authenticate_badge(old)


def test_unknown_users_are_not_found(app):
    with pytest.raises(NotFound):
        services.set_pin(404, "730164")


def test_devices_can_be_renamed_disabled_and_enabled(app):
    from wms.auth.services import register_device

    device = make_device("HH-1")
    services.rename_device(device.id, "Aisle 3 scanner")
    services.disable_device(device.id)
    assert device.name == "Aisle 3 scanner" and not device.active
    with pytest.raises(PermissionDenied, match="disabled"):
        register_device("HH-1")
    services.enable_device(device.id)
    assert register_device("HH-1").id == device.id
    with pytest.raises(ValidationFailed):
        services.rename_device(device.id, "  ")


def test_a_token_is_shown_once_and_stops_working_when_revoked(app):
    token, plain = tokens.create_token("Shop sync")
    assert plain.startswith("wms_") and plain not in token.token_hash
    assert principal_for_api_token(plain).role == "integration"
    tokens.revoke_token(token.id)
    assert principal_for_api_token(plain) is None
    with pytest.raises(ValidationFailed):
        tokens.create_token("  ")


def test_channels_are_created_and_updated_with_settings_json(app):
    channel = services.create_channel("tb-main", "淘宝旗舰店", platform="taobao",
                                      settings='{"shop": "main", "base_url": "http://127.0.0.1:9001"}',
                                      virtual_shipping=True)
    assert channel.settings["shop"] == "main" and channel.virtual_shipping and channel.active
    services.update_channel(channel.id, name="淘宝店", notifies_buyers=True, active=False)
    assert (channel.name, channel.notifies_buyers, channel.active) == ("淘宝店", True, False)


@pytest.mark.parametrize("fields, field", [
    (dict(settings="{not json"), "settings"),
    (dict(settings="[1, 2]"), "settings"),
    (dict(platform="amazon"), "platform"),
    (dict(name=" "), "name"),
])
def test_bad_channel_input_changes_nothing(app, fields, field):
    channel = services.create_channel("web", "Web", settings={"a": 1})
    with pytest.raises(ValidationFailed) as refused:
        services.update_channel(channel.id, **{"name": "Renamed", **fields})
    assert refused.value.details["field"] == field
    reloaded = Channel.query.get(channel.id)
    assert (reloaded.name, reloaded.platform, reloaded.settings) == ("Web", "manual", {"a": 1})


def test_channel_codes_are_unique(app):
    services.create_channel("web", "Web")
    with pytest.raises(ValidationFailed, match="taken"):
        services.create_channel("WEB", "Web again")


def test_jobs_list_failed_first_and_a_failed_job_can_be_retried(app):
    done = make_job(status="done", last_error="")
    failed = make_job(func="tests.services.test_admin_users.job_that_now_works", status="failed")
    assert [job.id for job in services.list_jobs()] == [failed.id, done.id]
    retried = services.retry_job(failed.id)
    assert retried.status == "done" and retried.last_error == ""
    with pytest.raises(ValidationFailed, match="Only a failed or stuck job"):
        services.retry_job(done.id)


def job_that_now_works():
    return "ok"
