"""Entry point: `python app.py` serves the web app and Socket.IO. Nothing else lives here."""
from config.settings import config_for

_config = config_for()
if _config.SOCKETIO_ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    if _config.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()  # psycopg2 is C: without this one query blocks every green thread

from config.settings import UnsafeConfig  # noqa: E402
from wms import create_app, serving  # noqa: E402
from wms.extensions import socketio  # noqa: E402

try:
    app = create_app(_config)
except UnsafeConfig as error:
    raise SystemExit(str(error)) from None

if __name__ == "__main__":
    serving.prepare(app)
    socketio.run(app, host=_config.HOST, port=_config.PORT,
                 allow_unsafe_werkzeug=_config.SOCKETIO_ASYNC_MODE == "threading", log_output=False)
