"""The HTTP API (FastAPI): thin routers that parse, authorise, call services and shape replies."""

from gigcity.api.app import create_app

__all__ = ["create_app"]
