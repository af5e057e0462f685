"""The platform's database: models, sessions and migrations."""

from gigcity.db.migrate import upgrade
from gigcity.db.models import Account, ApiKey, Base, Counter, Place, PlaceAudit
from gigcity.db.session import make_engine, make_sessionmaker, transaction

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Counter",
    "Place",
    "PlaceAudit",
    "make_engine",
    "make_sessionmaker",
    "transaction",
    "upgrade",
]
