"""The Flask extensions, created unbound and initialised in create_app()."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session

# Stable constraint names, so migrations name what they create the same way on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def on_commit(action) -> None:
    """Run `action()` once the current transaction has committed (never if it rolls back): work that must only
    follow what is really stored, such as rendering the documents of minutes just adopted."""
    db.session.info.setdefault("on_commit", []).append(action)


@event.listens_for(Session, "after_commit")
def _run_on_commit(session) -> None:
    for action in session.info.pop("on_commit", []):
        action()


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, previous_transaction) -> None:
    session.info.pop("on_commit", None)
