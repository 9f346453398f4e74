"""The Alembic migrations build exactly the schema the models describe (make run relies on them)."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from config.settings import TestConfig
from wms import create_app
from wms.extensions import db


@pytest.mark.skipif(os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="the PostgreSQL suite's database already holds the fixtures' schema")
def test_upgrading_an_empty_database_gives_the_models_schema(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'migrated.sqlite'}"

    app = create_app(Config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"render_as_batch": True}), db.metadata)
    assert diff == []
