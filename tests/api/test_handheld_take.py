"""A desk user who may pick opens the handheld app from the menu with no second login (/app/take): their PIN
login on a scanner lands on their desk home like any login, so this is how a supervisor covering a shortage
picks. The handheld login travels in the URL fragment and is a real handheld login (ends on logout)."""
from urllib.parse import parse_qs, urlsplit

from tests.builders_admin import forget_current_user
from wms.auth.models import Device


def _take(client, device=None):
    data = {"device": device} if device is not None else {}
    return client.post("/app/take", data=data)


def test_a_supervisor_opens_the_handheld_app_logged_in_as_themself(client, login, app):
    supervisor = login("supervisor")
    page = client.get("/app/take")
    assert page.status_code == 200 and b'name="device"' in page.data
    response = _take(client, "HH-CAFE0001")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/app" and not target.query           # the login is in the fragment only
    given = parse_qs(target.fragment)
    assert given["device"] == ["HH-CAFE0001"]
    cookieless = app.test_client()
    me = cookieless.get("/api/auth/me", headers={"Authorization": f"Bearer {given['token'][0]}"})
    assert me.status_code == 200 and me.get_json()["id"] == supervisor.id
    assert Device.query.filter_by(code="HH-CAFE0001").one().last_user_id == supervisor.id
    cookieless.post("/api/auth/logout", headers={"Authorization": f"Bearer {given['token'][0]}"})
    again = cookieless.get("/api/auth/me", headers={"Authorization": f"Bearer {given['token'][0]}"})
    assert again.status_code == 401                               # a handheld login like any: logout ends it


def test_a_browser_with_no_handheld_yet_gets_a_new_device(client, login):
    login("admin")
    response = _take(client, "   ")
    given = parse_qs(urlsplit(response.headers["Location"]).fragment)
    assert given["device"][0].startswith("HH-") and len(given["device"][0]) == 11
    assert Device.query.filter_by(code=given["device"][0]).one().kind == "handheld"


def test_people_who_do_not_pick_are_refused_and_nothing_is_made(client, login):
    login("packer")
    assert client.get("/app/take").status_code == 403
    assert _take(client, "HH-NOPE").status_code == 403
    assert Device.query.filter_by(code="HH-NOPE").count() == 0


def test_a_disabled_device_is_refused(client, login, db):
    login("supervisor")
    db.session.add(Device(code="HH-OFF", kind="handheld", name="HH-OFF", active=False))
    db.session.commit()
    assert _take(client, "HH-OFF").status_code == 403


def test_the_menu_offers_the_handheld_to_those_who_pick_only(client, login):
    login("supervisor")
    assert b'href="/app/take"' in client.get("/waves/").data        # the Floor group's screens
    forget_current_user()
    login("reviewer")
    assert b'href="/app/take"' not in client.get("/inventory/stock").data
