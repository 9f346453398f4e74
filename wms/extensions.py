"""Flask extensions, created unbound and bound in create_app()."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
from wms.openapi import WmsApi  # noqa: E402

api = WmsApi()  # the OpenAPI document at /api/docs/openapi.json (wms.openapi)
