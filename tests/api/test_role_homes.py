"""Every role lands on its home after any login: the desk form by password or by PIN, and the
handheld app by PIN (a role whose place is a desk screen is handed over to a desk session)."""
import pytest

from tests.builders_admin import forget_current_user
from wms.auth import navigation
from wms.auth.models import AuthSession
from wms.extensions import db

DESK_HOMES = {"admin": "/admin/users", "supervisor": "/wall/desk", "reviewer": "/review/",
              "finance": "/finance/", "picker": "/app", "packer": "/station/", "dock": "/handover/"}
# On the handheld, a picker stays there (it is its home); every other role is sent on to its desk home.
HANDHELD_HOMES = {"admin": "/admin/users", "supervisor": "/wall/desk", "picker": None,
                  "reviewer": "/review/", "finance": "/finance/", "packer": "/station/", "dock": "/handover/"}


def _form(client, username, secret):
    forget_current_user()
    return client.post("/login", data={"username": username, "password": secret}, headers={"Accept-Language": "en"})


def _landing(client, response):
    """Follow the login's redirect through / (the home redirect) to the role's screen."""
    assert response.status_code == 302, response.data
    target = response.headers["Location"]
    if target == "/":
        forget_current_user()
        home = client.get("/")
        assert home.status_code == 302
        target = home.headers["Location"]
    return target


@pytest.mark.parametrize("role", sorted(DESK_HOMES))
def test_a_password_login_on_the_desk_form_lands_on_the_roles_home(client, make_user, role):
    make_user(role=role, username=f"{role}-pw")
    target = _landing(client, _form(client, f"{role}-pw", "secret-pass"))
    assert target == DESK_HOMES[role]
    forget_current_user()
    assert client.get(target).status_code == 200


@pytest.mark.parametrize("role", sorted(DESK_HOMES))
def test_a_pin_login_on_the_desk_form_lands_on_the_roles_home(client, make_user, role):
    make_user(role=role, username=f"{role}-pin")
    target = _landing(client, _form(client, f"{role}-pin", "482915"))
    assert target == DESK_HOMES[role]
    forget_current_user()
    assert client.get(target).status_code == 200


def test_a_wrong_pin_on_the_desk_form_is_refused_and_counted_once(client, make_user):
    user = make_user(role="packer", username="paula")
    response = _form(client, "paula", "111111")
    assert response.status_code == 403
    assert b"Wrong username or password" in response.data
    db.session.refresh(user)
    assert user.failed_logins == 1
    forget_current_user()
    assert client.get("/station/").status_code == 302


def test_a_user_without_a_pin_cannot_log_in_with_digits(client, make_user):
    user = make_user(role="reviewer", username="rita")
    user.pin_hash = None
    db.session.commit()
    assert _form(client, "rita", "482915").status_code == 403


@pytest.mark.parametrize("role", sorted(HANDHELD_HOMES))
def test_a_pin_login_on_the_handheld_lands_on_the_roles_home(client, make_user, app, role):
    make_user(role=role, username=f"{role}-hh")
    forget_current_user()
    answer = client.post("/api/auth/handheld", json={"username": f"{role}-hh", "pin": "482915", "device": "HH-9"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["home"] == HANDHELD_HOMES[role]
    if body["home"] is None:
        return
    forget_current_user()
    handed = client.post("/api/auth/session", headers={"Authorization": f"Bearer {body['token']}"})
    assert handed.status_code == 200, handed.data
    assert handed.get_json() == {"home": body["home"]}
    forget_current_user()
    assert client.get(body["home"]).status_code == 200      # the session cookie now logs this browser in
    forget_current_user()
    cookieless = app.test_client()
    revoked = cookieless.get("/api/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert revoked.status_code == 401                       # one login: the handheld's token ended


def test_a_desk_session_cannot_be_handed_over_again(client, login):
    user = login("packer")
    before = db.session.query(AuthSession).filter_by(user_id=user.id).count()
    forget_current_user()
    response = client.post("/api/auth/session", headers={"Origin": "http://localhost"})
    assert response.status_code == 422
    assert db.session.query(AuthSession).filter_by(user_id=user.id).count() == before


def test_an_integration_token_cannot_become_a_desk_session(client):
    from wms.admin import tokens

    _token, secret = tokens.create_token("nightly sync")
    forget_current_user()
    response = client.post("/api/auth/session", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert db.session.query(AuthSession).count() == 0


def test_every_human_role_has_a_home_that_exists(app):
    from wms.auth.roles import HUMAN_ROLES

    for role in HUMAN_ROLES:
        assert navigation.home_endpoint(role) in app.view_functions
    assert navigation.home_endpoint("nobody") == navigation.FALLBACK_HOME
