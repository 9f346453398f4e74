"""Seed users of their own for the revoked-login tests (pickers they deactivate or log out, an admin who
does it); prints them as JSON. Run as `python -m tests.e2e.seed_revoke` with the live server's env."""
import json

from tests.builders import make_user
from tests.e2e.seeding import seeded_app


def seed():
    picker = make_user("picker", "revokee", locale="zh_CN")
    admin = make_user("admin", "revoker")
    leaver = make_user("picker", "leaver")
    quiet = make_user("picker", "revokee-no-socket")
    early = make_user("picker", "revokee-before-bootstrap", locale="zh_CN")
    return {"quiet": {"id": quiet.id, "badge": f"WMSBADGE:{quiet.badge_secret}"},
            "picker": {"id": picker.id, "badge": f"WMSBADGE:{picker.badge_secret}"},
            "early": {"id": early.id, "badge": f"WMSBADGE:{early.badge_secret}"},
            "admin": {"username": admin.username},
            "leaver": {"id": leaver.id, "badge": f"WMSBADGE:{leaver.badge_secret}"}}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
