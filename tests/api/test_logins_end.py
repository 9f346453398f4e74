"""Logins end when they should: a replayed cookie after logout, a handheld token after logout, a PIN
reset, deactivation or the device's revocation, and API tokens after their expiry."""
from datetime import timedelta

from tests.builders import make_user
from tests.builders_admin import forget_current_user
from wms.admin import services as admin_services
from wms.auth.models import AuthSession, Device
from wms.auth.services import create_api_token
from wms.extensions import db
from wms.timeutil import utcnow


def _password_login(client, username):
    response = client.post("/login", data={"username": username, "password": "secret-pass"})
    assert response.status_code == 302
    return client.get_cookie("session").value


def _handheld_login(client, username, device="HH-1", pin="482915"):
    response = client.post("/api/auth/handheld", json={"username": username, "pin": pin, "device": device})
    assert response.status_code == 200, response.json
    return response.json["token"]


def _me(client, token):
    forget_current_user()
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_session_cookie_replayed_after_logout_no_longer_opens_pages(app, client):
    make_user(role="admin", username="ann")
    cookie = _password_login(client, "ann")
    assert client.get("/admin/users").status_code == 200
    client.post("/logout")
    client.set_cookie("session", cookie)  # the attacker's copy, taken before the logout
    forget_current_user()
    assert client.get("/admin/users").status_code == 302
    assert db.session.query(AuthSession).one().end_reason == "logged_out"


def test_logging_out_ends_only_that_login(app, client):
    make_user(role="admin", username="ann")
    other = app.test_client()
    other.post("/login", data={"username": "ann", "password": "secret-pass"})
    _password_login(client, "ann")
    client.post("/logout")
    forget_current_user()
    assert other.get("/admin/users").status_code == 200


def test_a_handheld_token_stops_working_after_the_handhelds_logout(app, client):
    make_user(role="picker", username="pia")
    token = _handheld_login(client, "pia")
    assert _me(client, token) == 200
    assert client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert _me(client, token) == 401


def test_a_pin_reset_ends_the_users_handheld_logins_but_not_their_desk_session(app, client):
    make_user(role="admin", username="boss")
    picker = make_user(role="picker", username="pia")
    token = _handheld_login(client, "pia")
    desk = app.test_client()
    _password_login(desk, "pia")
    admin_services.set_pin(picker.id, "730194")
    assert _me(client, token) == 401
    forget_current_user()
    assert desk.get("/api/auth/me").status_code == 200  # the desk session is not a handheld login
    assert _me(client, _handheld_login(client, "pia", pin="730194")) == 200  # the new PIN logs in again


def test_a_password_reset_ends_the_users_desk_sessions(app, client):
    make_user(role="admin", username="boss")
    ann = make_user(role="reviewer", username="ann")
    _password_login(client, "ann")
    admin_services.set_password(ann.id, "a-new-password")
    forget_current_user()
    assert client.get("/api/auth/me").status_code == 401


def test_deactivating_a_user_ends_their_tokens_and_reactivating_does_not_revive_them(app, client):
    make_user(role="admin", username="boss")
    picker = make_user(role="picker", username="pia")
    token = _handheld_login(client, "pia")
    admin_services.deactivate(picker.id)
    assert _me(client, token) == 401
    admin_services.reactivate(picker.id)
    assert _me(client, token) == 401
    assert {row.end_reason for row in db.session.query(AuthSession)} == {"deactivated"}


def test_disabling_a_device_ends_its_logins_and_no_other_device(app, client):
    make_user(role="picker", username="pia")
    make_user(role="picker", username="pete")
    on_lost = _handheld_login(client, "pia", device="HH-LOST")
    on_other = _handheld_login(client, "pete", device="HH-2")
    lost = db.session.query(Device).filter_by(code="HH-LOST").one()
    admin_services.disable_device(lost.id)
    assert _me(client, on_lost) == 401
    assert _me(client, on_other) == 200
    refused = client.post("/api/auth/handheld", json={"username": "pia", "pin": "482915", "device": "HH-LOST"})
    assert refused.status_code == 403


def test_a_handheld_token_without_a_login_in_the_store_is_refused(app, client):
    from itsdangerous import URLSafeTimedSerializer

    picker = make_user(role="picker", username="pia")
    old_style = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="handheld").dumps({"u": picker.id, "d": "HH-1"})
    assert _me(client, old_style) == 401


def _refusal(client, token):
    forget_current_user()
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    return response.json


def test_a_refused_handheld_call_says_why_its_login_ended_as_the_push_does(app, client):
    make_user(role="admin", username="boss")
    picker = make_user(role="picker", username="pia")
    ended = _handheld_login(client, "pia", device="HH-1")
    live = _handheld_login(client, "pia", device="HH-2")
    admin_services.set_pin(picker.id, "730194")
    assert _refusal(client, ended) == {"error": "unauthenticated", "reason": "pin_reset",
                                       "message": "Your PIN was changed: log in again"}
    assert _refusal(client, live)["reason"] == "pin_reset"
    token = _handheld_login(client, "pia", pin="730194")
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert _refusal(client, token)["reason"] == "logged_out"
    admin_services.deactivate(picker.id)
    assert _refusal(client, ended)["reason"] == "pin_reset"  # a login keeps the reason it ended for


def test_an_expired_login_says_so_and_a_forged_or_unknown_token_says_nothing_more(app, client):
    make_user(role="picker", username="pia")
    token = _handheld_login(client, "pia")
    db.session.query(AuthSession).update({"expires_at": utcnow() - timedelta(minutes=1)})
    db.session.commit()
    assert _refusal(client, token)["reason"] == "expired"
    assert _refusal(client, token[:-4] + "AAAA") == {"error": "unauthenticated",
                                                     "message": "Log in or send a bearer token"}
    from itsdangerous import URLSafeTimedSerializer
    unknown = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="handheld").dumps({"u": 1, "d": "HH", "s": "nope"})
    assert "reason" not in _refusal(client, unknown)


def test_an_api_token_is_refused_after_its_expiry(app, client, monkeypatch):
    _token, plain = create_api_token("shop-push", expires_at=utcnow() + timedelta(hours=1))
    assert _me(client, plain) == 200
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr("wms.auth.services.utcnow", lambda: later)
    assert _me(client, plain) == 401


def test_an_admin_changing_their_own_password_stays_logged_in_here_and_nowhere_else(app, client):
    boss = make_user(role="admin", username="boss")
    elsewhere = app.test_client()
    _password_login(elsewhere, "boss")
    _password_login(client, "boss")
    response = client.post(f"/admin/users/{boss.id}/password", data={"password": "a-new-password"})
    assert response.status_code in (200, 302)
    forget_current_user()
    assert client.get("/admin/users").status_code == 200
    forget_current_user()
    assert elsewhere.get("/admin/users").status_code == 302
