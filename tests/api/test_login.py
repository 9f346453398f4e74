"""Logging in by password, PIN and badge; lockouts per user and per address; sessions; CSRF."""
from datetime import timedelta

import itsdangerous.timed
import pytest

from config.settings import TestConfig
from tests.builders_admin import forget_current_user, make_users
from wms import create_app
from wms.auth.models import User
from wms.auth.services import address_failures, badge_payload
from wms.extensions import db as _db
from wms.timeutil import utcnow


def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip}, headers={"Accept-Language": "en"})


def test_password_login_starts_a_permanent_session_and_lands_on_the_roles_home(client, make_user):
    make_user(role="admin", username="ann")
    response = _login(client, "ann", "secret-pass")
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200
    with client.session_transaction() as session:
        assert session.permanent


def test_a_wrong_password_is_refused_with_the_login_page(client, make_user):
    make_user(role="admin", username="ann")
    response = _login(client, "ann", "nope-nope")
    assert response.status_code == 403
    assert b"Wrong username or password" in response.data
    assert client.get("/admin/users").status_code == 302


def test_logout_ends_the_session(client, login):
    login("admin")
    assert client.get("/admin/users").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/admin/users").status_code == 302


def test_five_wrong_passwords_lock_the_user_even_with_the_right_password_then(client, make_user, app):
    user = make_user(role="admin", username="ann")
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        assert _login(client, "ann", "wrong-guess").status_code == 403
    response = _login(client, "ann", "secret-pass")
    assert response.status_code == 429
    assert b"Too many failed attempts; try again in 15 min" in response.data
    assert response.headers["Retry-After"] == str(15 * 60)
    _db.session.refresh(user)
    assert user.locked_until > utcnow() + timedelta(minutes=14)


def test_a_lockout_ends_after_its_time(client, make_user, app):
    user = make_user(role="admin", username="ann")
    user.locked_until = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    assert _login(client, "ann", "secret-pass").status_code == 302


def test_the_lockout_message_is_shown_in_chinese_to_a_chinese_browser(client, make_user):
    user = make_user(role="admin", username="ann")
    user.locked_until = utcnow() + timedelta(minutes=10)
    _db.session.commit()
    response = client.post("/login", data={"username": "ann", "password": "secret-pass"},
                           headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 429
    assert "失败次数过多" in response.get_data(as_text=True)


def test_handheld_pin_login_answers_a_token_and_registers_the_device(client, make_user):
    make_user(role="picker", username="pete")
    response = client.post("/api/auth/handheld", json={"username": "pete", "pin": "482915", "device": "HH-7"})
    assert response.status_code == 200
    token = response.get_json()["token"]
    forget_current_user()
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["username"] == "pete"


def test_handheld_badge_login_works_until_the_badge_is_rotated(client, make_user, app):
    from wms.auth.services import rotate_badge

    user = make_user(role="picker", username="pete")
    old = badge_payload(user)
    assert client.post("/api/auth/handheld", json={"badge": old, "device": "HH-7"}).status_code == 200
    rotate_badge(user.id)
    refused = client.post("/api/auth/handheld", json={"badge": old, "device": "HH-7"})
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "forbidden"


def test_wrong_pins_lock_the_handheld_user_out(client, app):
    make_users("picker", 1, prefix="pete")
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        assert client.post("/api/auth/handheld", json={"username": "pete0", "pin": guess, "device": "HH-7"}).status_code == 403
    locked = client.post("/api/auth/handheld", json={"username": "pete0", "pin": "482915", "device": "HH-7"})
    assert locked.status_code == 429
    assert locked.get_json()["scope"] == "user"


def test_one_address_spraying_pins_across_many_users_is_throttled(client, make_user, app):
    app.config["LOGIN_THROTTLE_MAX"] = 8
    make_users("picker", 4)
    statuses = []
    for attempt in range(10):  # two or three guesses per user: each stays below their own lockout
        statuses.append(client.post("/api/auth/handheld", environ_base={"REMOTE_ADDR": "10.9.9.9"},
                                    json={"username": f"picker{attempt % 4}", "pin": "909090", "device": "X"}).status_code)
    assert statuses == [403] * 8 + [429] * 2
    assert address_failures("10.9.9.9") == 8
    # even the right PIN is refused from that address, but not from another one
    assert client.post("/api/auth/handheld", environ_base={"REMOTE_ADDR": "10.9.9.9"},
                       json={"username": "picker3", "pin": "482915", "device": "X"}).status_code == 429
    assert client.post("/api/auth/handheld", environ_base={"REMOTE_ADDR": "10.1.1.1"},
                       json={"username": "picker3", "pin": "482915", "device": "X"}).status_code == 200


def test_the_address_throttle_covers_passwords_and_badges_and_shows_on_the_login_page(client, make_user, app):
    app.config["LOGIN_THROTTLE_MAX"] = 3
    make_user(role="admin", username="ann")
    assert _login(client, "nobody", "whatever1", ip="10.2.2.2").status_code == 403
    assert client.post("/api/auth/handheld", environ_base={"REMOTE_ADDR": "10.2.2.2"},
                       json={"badge": "WMSBADGE:forged", "device": "X"}).status_code == 403
    assert _login(client, "ann", "wrong-pass", ip="10.2.2.2").status_code == 403
    page = _login(client, "ann", "secret-pass", ip="10.2.2.2")
    assert page.status_code == 429
    assert b"Too many failed attempts from this address" in page.data


def test_the_address_throttle_forgets_failures_after_its_window(client, make_user, app):
    from wms.auth.models import LoginThrottle

    app.config["LOGIN_THROTTLE_MAX"] = 2
    make_user(role="admin", username="ann")
    _login(client, "ann", "bad-pass-1", ip="10.3.3.3")
    _login(client, "ann", "bad-pass-2", ip="10.3.3.3")
    assert _login(client, "ann", "secret-pass", ip="10.3.3.3").status_code == 429
    for row in _db.session.query(LoginThrottle).all():  # eleven minutes later
        row.window_start -= timedelta(minutes=11)
    _db.session.commit()
    assert _login(client, "ann", "secret-pass", ip="10.3.3.3").status_code == 302


def test_a_deactivated_user_is_logged_out_on_the_next_request(client, login):
    user = login("supervisor")
    assert client.get("/admin/jobs").status_code == 200
    _db.session.get(User, user.id).active = False
    _db.session.commit()
    forget_current_user()
    assert client.get("/admin/jobs").status_code == 302


def test_a_role_change_takes_effect_on_the_next_request(client, login):
    user = login("supervisor")
    assert client.get("/admin/jobs").status_code == 200
    _db.session.get(User, user.id).role = "picker"
    _db.session.commit()
    forget_current_user()
    assert client.get("/admin/jobs").status_code == 403


def test_a_session_expires_after_its_lifetime(client, login, app, monkeypatch):
    login("admin")
    assert client.get("/admin/users").status_code == 200
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    real_time = itsdangerous.timed.time.time

    class Later:
        @staticmethod
        def time():
            return real_time() + lifetime + 60

    monkeypatch.setattr(itsdangerous.timed, "time", Later)
    forget_current_user()
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_session_cookie_expires_in_the_browser_too(client, make_user, app):
    make_user(role="admin", username="ann")
    response = _login(client, "ann", "secret-pass")
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie


@pytest.fixture
def csrf_app(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'csrf.sqlite'}"
        UPLOAD_DIR = tmp_path / "uploads"
        WTF_CSRF_ENABLED = True

    app = create_app(Config)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


def test_a_form_post_without_the_csrf_token_is_refused_when_csrf_is_on(csrf_app):
    from tests.builders import make_user

    make_user(role="admin", username="ann")
    client = csrf_app.test_client()
    refused = client.post("/login", data={"username": "ann", "password": "secret-pass"})
    assert refused.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/login", data={"username": "ann", "password": "secret-pass",
                                       "csrf_token": token}).status_code == 302
    # logged in, an admin form without the token still changes nothing
    assert client.post("/admin/channels", data={"code": "web", "name": "Web"}).status_code == 400
    assert client.get("/admin/channels").get_data(as_text=True).count("/admin/channels/") == 0
