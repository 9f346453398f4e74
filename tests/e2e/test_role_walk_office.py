"""The role walk of the office (tests/e2e/walk.py says what a walk does): the admin, the reviewer and
finance walk every screen of their menus in both languages, and the reviewer reads an order in every state.
The floor's roles are in test_role_walk_floor.py, on a server of their own."""
import pytest
from playwright.sync_api import expect

from tests.e2e.walk import (  # noqa: F401  (device, warehouse: fixtures)
    DESKTOP, LOCALES, device, start, walk_every_screen_of_the_menu, warehouse)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", ["admin", "reviewer", "finance"])
def test_each_office_role_walks_every_screen_of_its_menu_without_an_error_or_a_raw_code(device, warehouse, role,
                                                                                       locale):
    walk_every_screen_of_the_menu(device, warehouse, role, locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_reviewer_reads_an_order_in_every_state(device, warehouse, locale):
    walk = start(device, warehouse, "reviewer", locale, DESKTOP)
    orders = warehouse.walk["orders"]
    for state, order_id in sorted(orders.items()):
        walk.page.goto(f"/review/orders/{order_id}")
        expect(walk.page.locator("main")).to_be_visible()
        walk.look()
    assert len(orders) >= 15  # every state of an order, from imported to returned
    walk.assert_clean()
