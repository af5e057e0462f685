"""Open311 GeoReport v2 at /open311/v2: discovery, services, requests (read and file), in JSON
and XML, mounted as its own sub-application with the spec's error format."""

from gigcity.api.open311.routes import create_open311_app, install

__all__ = ["create_open311_app", "install"]
