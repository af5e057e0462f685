"""The API docs page (Swagger UI), served with a Content-Security-Policy of its own.

Swagger UI's script and styles come from this server (the files the `fastapi-offline`
package ships, mounted at `SWAGGER_UI_URL` by `gigcity.web.pages`), never from a CDN: the
docs work offline and on an intranet, and the page's policy allows no other site.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

from gigcity.web.csp import docs_content_security_policy

DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# Where Swagger UI's files are served, and the package (and its folder) they come from.
SWAGGER_UI_URL = "/static/swagger-ui"
SWAGGER_UI_PACKAGE = ("fastapi_offline", "static")


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = docs_content_security_policy(
        bytes(page.body).decode()
    )
    return page


def install(app: FastAPI) -> None:
    """Serve Swagger UI at /docs (the app is created with `docs_url=None`)."""
    openapi_url = app.openapi_url or "/openapi.json"

    async def docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return _with_policy(
            get_swagger_ui_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} - API",
                oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
                swagger_js_url=f"{root}{SWAGGER_UI_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{SWAGGER_UI_URL}/swagger-ui.css",
                swagger_favicon_url=root + "/static/icon.svg",
            )
        )

    async def oauth2_redirect(request: Request) -> HTMLResponse:
        return _with_policy(get_swagger_ui_oauth2_redirect_html())

    app.add_route(DOCS_URL, docs, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, oauth2_redirect, include_in_schema=False)
