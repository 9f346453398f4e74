"""Production refuses to start unsafe, and a cookie or token forged with the development key opens nothing."""
import os
import subprocess
import sys

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from config.settings import (DEV_SECRET_KEY, ROOT, ProductionConfig, UnsafeConfig, database_url,
                             production_problems)
from tests.builders import make_user
from tests.builders_admin import forget_current_user
from wms import create_app
from wms.auth import sessions
from wms.auth_loaders import SESSION_KEY
from wms.extensions import db

STRONG_KEY = "k" * 20 + "-a-long-enough-random-secret"


def _start_app_py(env):
    """Run `import app` (what `python app.py` and the Procfile do) in a fresh interpreter."""
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SESSION_COOKIE_SECURE",
                                                              "ALLOW_INSECURE_COOKIES")}
    base.update({"WMS_ENV": "production", "SOCKETIO_ASYNC_MODE": "threading", "SEED_DEMO": "0"}, **env)
    return subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=base, capture_output=True,
                          text=True, timeout=120)


def test_production_without_a_secret_key_does_not_start_and_says_why(tmp_path):
    result = _start_app_py({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}", "WMS_INSTANCE_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "WMS_ENV=production refuses to start" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("settings, problem", [
    ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY is not set (or is the development default)"),
    ({"SECRET_KEY": "test-secret"}, "SECRET_KEY is not set (or is the development default)"),
    ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too short"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
    ({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, "PASSWORD_HASH_METHOD 'pbkdf2:sha256:1000' is too weak"),
    ({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:599999"}, "PASSWORD_HASH_METHOD"),
    ({"PASSWORD_HASH_METHOD": "plain"}, "PASSWORD_HASH_METHOD"),
])
def test_each_unsafe_production_setting_is_named(settings, problem):
    config = {"WMS_ENV": "production", "SECRET_KEY": STRONG_KEY, "SESSION_COOKIE_SECURE": True, **settings}
    problems = production_problems(config)
    assert len(problems) == 1 and problems[0].startswith(problem)


@pytest.mark.parametrize("method", ["scrypt", "scrypt:32768:8:1", "pbkdf2", "pbkdf2:sha256", "pbkdf2:sha256:600000"])
def test_scrypt_and_a_full_strength_pbkdf2_are_fit_for_production(method):
    config = {"WMS_ENV": "production", "SECRET_KEY": STRONG_KEY, "SESSION_COOKIE_SECURE": True,
              "PASSWORD_HASH_METHOD": method}
    assert production_problems(config) == []


def test_plain_http_cookies_are_allowed_only_when_said_so_and_other_environments_are_not_checked():
    config = {"WMS_ENV": "production", "SECRET_KEY": STRONG_KEY, "SESSION_COOKIE_SECURE": False}
    assert production_problems({**config, "ALLOW_INSECURE_COOKIES": True}) == []
    assert production_problems({**config, "WMS_ENV": "development", "SECRET_KEY": DEV_SECRET_KEY}) == []


def test_create_app_refuses_a_production_config_with_the_development_key(tmp_path):
    class Unsafe(ProductionConfig):
        SECRET_KEY = DEV_SECRET_KEY
        SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{tmp_path / 'u.sqlite'}")
        UPLOAD_DIR = tmp_path / "uploads"

    with pytest.raises(UnsafeConfig, match="SECRET_KEY"):
        create_app(Unsafe)


@pytest.fixture
def production_app(tmp_path):
    class Safe(ProductionConfig):
        SECRET_KEY = STRONG_KEY
        SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{tmp_path / 'prod.sqlite'}")
        UPLOAD_DIR = tmp_path / "uploads"
        SOCKETIO_ASYNC_MODE = "threading"
        SOCKETIO_MESSAGE_QUEUE = None
        SESSION_COOKIE_SECURE = True
        RQ_SYNC = True

    app = create_app(Safe)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


def _cookie(app, secret, payload):
    interface = SecureCookieSessionInterface()
    return interface.get_signing_serializer(_with_key(app, secret)).dumps(payload)


def _with_key(app, secret):
    class Keyed:
        secret_key = secret
        config = {**app.config, "SECRET_KEY": secret, "SECRET_KEY_FALLBACKS": None}

    return Keyed


def test_a_session_cookie_forged_with_the_development_key_does_not_open_admin_pages(production_app):
    admin = make_user(role="admin", username="boss")
    key = sessions.start(admin, sessions.WEB)
    payload = {"_user_id": str(admin.id), "_fresh": True, SESSION_KEY: key}
    client = production_app.test_client()
    client.set_cookie("session", _cookie(production_app, DEV_SECRET_KEY, payload), domain="localhost")
    assert client.get("/admin/users", base_url="https://localhost").status_code == 302  # to the login page
    # the same cookie signed with the app's own key opens them: the forgery, not the test, is refused
    client.set_cookie("session", _cookie(production_app, STRONG_KEY, payload), domain="localhost")
    forget_current_user()
    assert client.get("/admin/users", base_url="https://localhost").status_code == 200


def test_production_hashes_passwords_and_pins_with_scrypt_and_still_reads_a_test_hash(production_app):
    user = make_user(role="picker", username="walker", password="secret-pass", pin="4321")
    assert user.password_hash.startswith("scrypt:") and user.pin_hash.startswith("scrypt:")
    assert user.check_password("secret-pass") and user.check_pin("4321") and not user.check_password("secret-pas")
    # a hash stored under another method (an older setting) is read by the method it names
    user.password_hash = generate_password_hash("older-pass", method="pbkdf2:sha256:1000")
    assert user.check_password("older-pass") and not user.check_password("secret-pass")


def test_a_handheld_token_forged_with_the_development_key_is_refused(production_app):
    admin = make_user(role="admin", username="boss")
    key = sessions.start(admin, sessions.HANDHELD, "HH-1")
    forged = URLSafeTimedSerializer(DEV_SECRET_KEY, salt="handheld").dumps({"u": admin.id, "d": "HH-1", "s": key})
    real = URLSafeTimedSerializer(STRONG_KEY, salt="handheld").dumps({"u": admin.id, "d": "HH-1", "s": key})
    client = production_app.test_client()
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    forget_current_user()
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {real}"}).status_code == 200
