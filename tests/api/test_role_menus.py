"""Every role reaches every screen it may use from the menu, and every link in its menu opens (200)."""
import re

import pytest

from tests.builders_admin import forget_current_user, log_in_as
from wms.auth import menu, navigation
from wms.auth.roles import HUMAN_ROLES

# GET views without arguments that are not screens of the menu, and why.
NOT_SCREENS = {
    "auth.home": "the redirect to the role's home",
    "auth.login": "the login form",
    "imports.template": "a CSV download linked from the import page",
    "search.orders": "the menu's search box, not a link",
    "channels.sku_search": "the SKU mapping page's SKU look-up (JSON)",
    "handheld.manifest": "the PWA's manifest",
    "handheld.service_worker": "the PWA's service worker",
    "admin.badges_pdf": "the badge sheet PDF, linked from the badges page",
    "review.new_gift_rule": "the new gift rule form, linked from the gift rules page",
    "health.healthz": "the proxy's health check",
}


def _screens_for(app, role):
    """GET views without arguments, outside /api/, that `role` may open."""
    found = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" not in rule.methods or rule.arguments or rule.rule.startswith(("/api/", "/static")):
            continue
        if role in getattr(view, "wms_roles", ()):
            found.add(rule.endpoint)
    return found


def url_for(endpoint):
    from flask import current_app, url_for as build

    with current_app.test_request_context():
        return build(endpoint)


def _menu(role, user=None):
    return navigation.menu_endpoints(role, lambda endpoint: menu.may_open(user or _Role(role), endpoint))


class _Role:
    def __init__(self, role):
        self.role = role


@pytest.mark.parametrize("role", HUMAN_ROLES)
def test_every_screen_a_role_may_open_is_in_its_menu(app, role):
    missing = _screens_for(app, role) - set(_menu(role)) - set(NOT_SCREENS)
    assert not missing, f"{role} may open {sorted(missing)} but its menu does not lead there"


@pytest.mark.parametrize("role", HUMAN_ROLES)
def test_every_link_of_a_roles_menu_opens_for_that_role(app, client, make_user, role):
    user = make_user(role=role, username=f"{role}-menu")
    log_in_as(client, user)
    links = _menu(role)
    assert links, f"{role} has an empty menu"
    for endpoint in links:
        forget_current_user()
        response = client.get(url_for(endpoint))
        assert response.status_code == 200, (role, endpoint, response.status_code)


@pytest.mark.parametrize("role", ["admin", "supervisor", "reviewer", "packer", "dock"])
def test_the_home_page_shows_the_roles_menu_groups_and_no_other(app, client, make_user, role):
    user = make_user(role=role, username=f"{role}-nav")
    log_in_as(client, user)
    forget_current_user()
    page = client.get(url_for(navigation.home_endpoint(role))).get_data(as_text=True)
    topbar = page.split('<nav aria-label="Menu">', 1)[1].split("</nav>", 1)[0]
    hrefs = re.findall(r'href="([^"]+)"', topbar)
    expected = [url_for(group["endpoint"]) for group in navigation.menu_for(
        role, lambda endpoint: menu.may_open(user, endpoint))]
    assert hrefs == expected


def test_the_admin_menu_is_one_short_line_of_groups(app):
    groups = navigation.menu_for("admin", lambda endpoint: menu.may_open(_Role("admin"), endpoint))
    labels = [group["label"] for group in groups]
    assert len(labels) <= 10 and sum(len(label) for label in labels) <= 80, labels


def test_a_picker_has_no_search_box_and_a_reviewer_has_one(app, client, make_user):
    for role, has_box in (("picker", False), ("dock", False), ("packer", False), ("reviewer", True)):
        user = make_user(role=role, username=f"{role}-box")
        log_in_as(client, user)
        forget_current_user()
        page = client.get(url_for("handover.index" if role in ("dock", "picker") else "auth.home"),
                          follow_redirects=True)
        assert ('role="search"' in page.get_data(as_text=True)) is has_box, role


def test_a_screen_outside_the_menu_marks_the_group_it_belongs_to(app):
    groups = navigation.menu_for("admin", lambda endpoint: menu.may_open(_Role("admin"), endpoint),
                                 "channels.sync_page", "channels")
    assert [group["label"] for group in groups if group["active"]] == ["Settings"]
    groups = navigation.menu_for("admin", lambda endpoint: menu.may_open(_Role("admin"), endpoint),
                                 "inventory.bins", "inventory")
    assert [group["label"] for group in groups if group["active"]] == ["Floor"]
