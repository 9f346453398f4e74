"""Helpers for seed scripts that run against a live server's database (see conftest.live_server)."""
from contextlib import contextmanager

from config.settings import config_for
from wms import create_app
from wms.extensions import db


@contextmanager
def seeded_app():
    """An app context on the live server's database (same environment), schema created if missing."""
    app = create_app(config_for())
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()


if __name__ == "__main__":
    with seeded_app():
        pass
