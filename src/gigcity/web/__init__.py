"""Web pages (Jinja2 templates and static assets) for riders, staff, officers and admins."""

from gigcity.web.pages import install

__all__ = ["install"]
