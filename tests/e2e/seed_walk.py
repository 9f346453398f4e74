"""Seed for the role walk (tests/e2e/walk.py, test_role_walk_*.py): the demo warehouse with an order in every
state (tests/builders_words.every_state_warehouse, the same warehouse the page-words test reads), so
no screen a role walks is empty. The demo's own logins are used as the README prints them. Prints
JSON: the order id of each state and the demo picker's PIN."""
import json

from tests.builders_words import every_state_warehouse
from tests.e2e.seeding import seeded_app
from wms import demo


def seed():
    by_state = every_state_warehouse()
    logins = {username: {"password": password, "pin": pin, "role": role}
              for username, _name, role, password, pin in demo.USERS}
    return {"orders": by_state, "logins": logins}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
