"""A handheld whose login is ended by an admin says so, in the picker's language, and goes back to the login
screen, whether the push or a refused call tells it first, and before its first bootstrap too; logging out
ends the token on the server too. In Chromium."""
import pytest
from playwright.sync_api import expect

from tests.e2e.handheld import log_in_with_badge, open_app


@pytest.fixture(scope="module")
def data(live_server):
    """This file's own users (made once per server)."""
    return live_server.seed("tests.e2e.seed_revoke")


def deactivate(live_server, data, who):
    """The admin deactivates this file's user `who` on the admin screen."""
    admin = live_server.session(data["admin"]["username"])
    response = admin.post(f"{live_server.url}/admin/users/{data[who]['id']}/active", data={"active": "0"})
    assert response.status_code in (200, 302), response.text[:300]


def logged_in_with_a_socket(context, badge):
    page = open_app(context)
    log_in_with_badge(page, badge)
    expect(page.locator("body")).to_have_attribute("data-socket", "up")
    return page


def expect_told_why_in_chinese(page):
    expect(page.locator("#screen-login")).to_be_visible(timeout=10000)
    expect(page.locator("#notice-dialog")).to_contain_text("你的账号已被管理员停用")
    expect(page.locator("#notice-title")).to_have_text("已退出登录")
    expect(page.locator("#login-error")).to_have_text("你的账号已被管理员停用")


def test_a_deactivated_pickers_handheld_shows_why_and_returns_to_the_login(live_server, new_context, data):
    page = logged_in_with_a_socket(new_context(), data["picker"]["badge"])
    deactivate(live_server, data, "picker")
    expect_told_why_in_chinese(page)  # the picker reads Chinese
    assert page.evaluate("localStorage.getItem('wms.locale')") == "zh_CN"


def test_a_login_ended_before_its_first_bootstrap_says_why_in_the_pickers_language(live_server, new_context, data):
    # the bootstrap brings the server's catalogue; a login ended before it came read the reason in English
    context = new_context()
    held = []
    context.route("**/api/handheld/bootstrap", lambda route: held.append(route))  # never answered while the test runs
    try:
        page = logged_in_with_a_socket(context, data["early"]["badge"])
        deactivate(live_server, data, "early")
        expect_told_why_in_chinese(page)
        assert held, "the bootstrap was not held back: the test proves nothing"
    finally:
        for route in held:
            route.abort()


def test_a_handheld_that_hears_no_push_learns_why_from_its_next_call(live_server, new_context, data):
    context = new_context()
    context.route_web_socket("**/socket.io/**", lambda socket: socket.close())  # no session.revoked push comes
    context.route("**/socket.io/**", lambda route: route.abort("connectionrefused"))
    page = open_app(context)
    log_in_with_badge(page, data["quiet"]["badge"])
    deactivate(live_server, data, "quiet")

    page.evaluate("window.wmsHandheld.sync()")  # its next call is refused (401)
    expect(page.locator("#screen-login")).to_be_visible(timeout=10000)
    expect(page.locator("#notice-dialog")).to_contain_text("Your account was deactivated by an admin")
    expect(page.locator("#notice-list li")).to_have_count(1)
    expect(page.locator("#login-error")).to_have_text("Your account was deactivated by an admin")


def test_logging_out_on_the_handheld_ends_its_token_on_the_server(live_server, new_context, data):
    page = open_app(new_context())
    log_in_with_badge(page, data["leaver"]["badge"])
    page.click("#logout")
    expect(page.locator("#screen-login")).to_be_visible()
    with live_server.db() as db:
        ends = [row["end_reason"] for row in db.execute(
            "SELECT end_reason FROM auth_sessions WHERE user_id = ?", (data["leaver"]["id"],))]
    assert ends == ["logged_out"]
