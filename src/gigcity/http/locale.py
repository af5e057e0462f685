"""The reader's language for a request: ?lang=, then the `lang` cookie, then Accept-Language."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from gigcity.i18n import DEFAULT_LOCALE, negotiate_locale


def locale_of(request: HTTPConnection) -> str:
    cached = request.scope.get("gigcity.locale")
    if isinstance(cached, str):
        return cached
    settings = getattr(request.app.state, "settings", None)
    default = settings.default_locale if settings is not None else DEFAULT_LOCALE
    explicit = request.query_params.get("lang") or request.cookies.get("lang")
    locale = negotiate_locale(explicit, request.headers.get("accept-language"), default)
    request.scope["gigcity.locale"] = locale
    return locale
