"""The user forms keep their input on a refusal and mark the wrong input: adding a user, editing
one (name, role, language), and setting a password or a PIN (marked, never written back)."""
import re

import pytest

from tests.builders_admin import log_in_as, make_users
from wms.auth.models import User
from wms.extensions import db


@pytest.fixture
def admin(app, client):
    user = make_users("admin", 1)[0]
    log_in_as(client, user)
    return user


def _input(page, input_id):
    """The whole tag of the input with this id."""
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def _selected(page, input_id):
    select_html = page.split(f'id="{input_id}"')[1].split("</select>")[0]
    found = re.search(r'<option value="([^"]*)" selected>', select_html)
    return found.group(1) if found else ""


def _reloaded(user_id):
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_a_refused_new_user_keeps_the_input_marks_the_username_and_keeps_no_secret(client, admin):
    response = client.post("/admin/users", data={"username": "a b", "display_name": "林小", "role": "packer",
                                                 "locale": "en", "password": "long-enough-1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-username") and 'value="a b"' in _input(page, "f-username")
    assert "A username is 2-64 letters" in page.split('id="f-username-error"')[1]
    assert 'value="林小"' in _input(page, "f-display-name") and "aria-invalid" not in _input(page, "f-display-name")
    assert (_selected(page, "f-role"), _selected(page, "f-locale")) == ("packer", "en")
    assert "long-enough-1" not in page and 'value=""' in _input(page, "f-password")
    assert "required" in _input(page, "f-username") and "required" not in _input(page, "f-password")
    assert User.query.filter(User.username.in_(["a b", "a"])).count() == 0


def test_a_too_easy_pin_is_marked_on_the_new_user_form_in_chinese(client, admin):
    admin.locale = "zh_CN"
    db.session.commit()
    response = client.post("/admin/users", data={"username": "lin", "role": "picker", "locale": "zh_CN",
                                                 "pin": "123456"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-pin")
    assert "此PIN过于简单，请换一个" in page.split('id="f-pin-error"')[1].split("</small>")[0]
    assert "123456" not in _input(page, "f-pin") and 'value="lin"' in _input(page, "f-username")
    assert User.query.filter_by(username="lin").count() == 0


def test_a_refused_edit_shows_what_was_typed_not_the_database_and_saves_nothing(client, admin):
    response = client.post(f"/admin/users/{admin.id}", data={"display_name": "Boss Lin", "role": "picker",
                                                             "locale": "zh_CN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Boss Lin"' in _input(page, "f-display-name")
    assert _selected(page, "f-role") == "picker" and _selected(page, "f-locale") == "zh_CN"
    assert 'aria-invalid="true"' in _input(page, "f-role") and "last active admin" in page.split('id="f-role-error"')[1]
    user = _reloaded(admin.id)
    assert (user.display_name, user.role, user.locale) == ("Admin 0", "admin", "en")


def test_an_unknown_language_is_marked_and_nothing_changes(client, admin):
    picker = make_users("picker", 1)[0]
    response = client.post(f"/admin/users/{picker.id}", data={"display_name": "P", "role": "packer", "locale": "xx"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-locale")
    assert "Unknown language &#39;xx&#39;" in page and _selected(page, "f-role") == "packer"
    user = _reloaded(picker.id)
    assert (user.display_name, user.role) == ("Picker 0", "picker")


def test_a_valid_edit_saves_and_says_so(client, admin):
    picker = make_users("picker", 1)[0]
    response = client.post(f"/admin/users/{picker.id}", data={"display_name": "Lin", "role": "packer", "locale": "zh_CN"})
    assert response.status_code == 302
    user = _reloaded(picker.id)
    assert (user.display_name, user.role, user.locale) == ("Lin", "packer", "zh_CN")
    assert "Saved" in client.get(response.location).get_data(as_text=True)


def test_a_short_password_is_marked_on_the_user_page_and_the_old_one_still_works(client, admin):
    picker = make_users("picker", 1)[0]
    response = client.post(f"/admin/users/{picker.id}/password", data={"password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-password")
    assert "A password needs at least 8 characters" in page.split('id="f-password-error"')[1]
    assert 'value="short"' not in page and "aria-invalid" not in _input(page, "f-pin")
    assert _reloaded(picker.id).check_password("secret-pass")


def test_a_too_easy_pin_is_marked_on_the_user_page_and_a_good_one_is_set(client, admin):
    picker = make_users("picker", 1)[0]
    refused = client.post(f"/admin/users/{picker.id}/pin", data={"pin": "000000"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-pin")
    assert "000000" not in _input(page, "f-pin") and _reloaded(picker.id).check_pin("482915")
    assert client.post(f"/admin/users/{picker.id}/pin", data={"pin": "730164"}).status_code == 302
    assert _reloaded(picker.id).check_pin("730164")


def test_a_refused_token_keeps_its_name_role_and_ticks_marks_the_expiry_and_creates_nothing(client, admin):
    from tests.builders import make_channel
    from wms.auth.models import ApiToken

    make_channel("web")
    make_channel("shop")
    response = client.post("/admin/tokens", data={"name": "Shop sync", "role": "supervisor", "channels": ["shop"],
                                                  "scopes": ["orders:import"], "expires_days": "9999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-expires-days") and 'value="9999"' in _input(page, "f-expires-days")
    assert "The expiry is a number of days from 1 to 3650" in page.split('id="f-expires-days-error"')[1]
    assert 'value="Shop sync"' in _input(page, "f-name") and _selected(page, "f-role") == "supervisor"
    assert re.search(r'name="channels" value="shop" checked', page) and not re.search(r'value="web" checked', page)
    assert 'name="scopes" value="orders:import" checked' in page
    assert ApiToken.query.count() == 0


def test_a_valid_token_is_created_and_the_form_is_empty_again(client, admin):
    from wms.auth.models import ApiToken

    response = client.post("/admin/tokens", data={"name": "Shop sync", "role": "integration", "expires_days": "30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 201 and ApiToken.query.count() == 1
    assert 'value=""' in _input(page, "f-name") and 'value=""' in _input(page, "f-expires-days")


def test_a_failed_login_keeps_the_username_and_never_the_password(app, client):
    make_users("packer", 1)
    response = client.post("/login", data={"username": "packer0", "password": "wrong-guess-1"})
    page = response.get_data(as_text=True)
    assert response.status_code >= 400
    assert 'value="packer0"' in _input(page, "f-username") and "wrong-guess-1" not in page
    assert "aria-invalid" not in page and "autofocus" in _input(page, "f-password")
    assert client.get("/admin/users").status_code in (302, 401)


def test_an_empty_device_name_is_marked_on_its_row_and_the_name_is_kept(client, admin):
    from tests.builders_admin import make_device
    from wms.auth.models import Device

    device = make_device("HH-007", name="Dock scanner")
    response = client.post(f"/admin/devices/{device.id}", data={"action": "rename", "name": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in _input(page, f"f-d{device.id}-name")
    assert "A device needs a name" in page
    db.session.expire_all()
    assert db.session.get(Device, device.id).name == "Dock scanner"
    assert client.post(f"/admin/devices/{device.id}", data={"action": "rename", "name": "Gate 2"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Device, device.id).name == "Gate 2"
