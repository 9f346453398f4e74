"""Browsers ask every page's host for /favicon.ico: it is served (not a 404 on every page) and linked."""
from tests.builders import make_user
from tests.builders_admin import log_in_as


def test_favicon_is_served_as_an_icon_anonymously(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header: reserved 0, type 1 (icon)


def test_desk_pages_and_the_login_page_link_the_favicon(app, client):
    assert 'rel="icon" href="/favicon.ico"' in client.get("/login").get_data(as_text=True)
    log_in_as(client, make_user("admin", "icon-admin"))
    assert 'rel="icon" href="/favicon.ico"' in client.get("/review/").get_data(as_text=True)
