"""The demo logins printed by `make run` (wms/launcher.py) and listed in the README work as printed,
on the desk form (password or PIN) and on the handheld app (PIN), and each lands on its role's home."""
import re
from pathlib import Path

import pytest

from tests.builders_admin import forget_current_user
from wms import demo, launcher
from wms.auth import navigation

README = Path(__file__).resolve().parents[2] / "README.md"
LINE = re.compile(r"^\s+(\w+)\s+/ (\S+)(?:\s+or PIN (\d{6}))?\s{2,}\S")


def logins(text):
    """[(username, password, pin or None)] of the login lines in `text`."""
    return [match.groups() for match in map(LINE.match, text.splitlines()) if match]


def readme_logins():
    block = README.read_text(encoding="utf-8").split("Demo logins", 1)[1].split("```")[1]
    return logins(block)


def test_the_banner_and_the_readme_print_the_same_logins_one_per_demo_user():
    printed = logins(launcher.DEMO_LOGINS)
    assert printed == readme_logins()
    assert sorted(username for username, _p, _pin in printed) == sorted(user[0] for user in demo.USERS)
    for username, password, pin in printed:   # the PIN is printed for every user who has one
        seeded = next(user for user in demo.USERS if user[0] == username)
        assert (password, pin) == (seeded[3], seeded[4]), username


@pytest.fixture
def demo_users(app):
    demo._users()


@pytest.mark.parametrize("username,password,pin", logins(launcher.DEMO_LOGINS))
def test_each_printed_login_works_as_printed(client, app, demo_users, username, password, pin):
    role = next(user[2] for user in demo.USERS if user[0] == username)
    with app.test_request_context():
        from flask import url_for

        home = url_for(navigation.home_endpoint(role))
    for secret in filter(None, (password, pin)):
        forget_current_user()
        client.post("/logout")
        forget_current_user()
        response = client.post("/login", data={"username": username, "password": secret})
        assert response.status_code == 302, (username, secret)
        forget_current_user()
        assert client.get("/").headers["Location"] == home
        forget_current_user()
        assert client.get(home).status_code == 200, (username, home)
    if pin:
        forget_current_user()
        answer = client.post("/api/auth/handheld", json={"username": username, "pin": pin, "device": "HH-DEMO"})
        assert answer.status_code == 200, (username, answer.data)
