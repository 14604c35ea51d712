"""Flask extensions, created unbound and initialised in the application factory."""

from __future__ import annotations

from flask_babel import Babel
from flask_caching import Cache
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names, so that migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class PortalApi(Api):
    """flask-smorest's Api, answering errors in the portal's one shape (see portal/errors.py)."""

    def handle_http_exception(self, error):
        from portal.errors import handle_http_exception

        return handle_http_exception(error)

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register `blp`; Swagger UI groups its operations under its human `tag`, if it has one.

        flask-smorest lists the blueprint's Flask name (api_me, ...) as the group; the name must
        stay (it prefixes the endpoints), so the listed tag is renamed after registration.
        """
        super().register_blueprint(blp, parameters=parameters, **options)
        tag = getattr(blp, "tag", None)
        if tag:
            for listed in self.spec._tags:  # apispec keeps no public way to rename a tag
                if listed["name"] == blp.name:
                    listed["name"] = tag


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = PortalApi()
# The shared cache of anonymous answers (portal/cache); its backend only, no decorators.
cache = Cache()
