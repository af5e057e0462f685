"""Headers every response carries unless its route set its own (pages, API, static, Open311)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# strict-origin-when-cross-origin, not no-referrer: tile servers (OpenStreetMap's among them)
# ask browsers for a Referer naming the site; other sites see our origin, never a path.
DEFAULT_HEADERS = {
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
}


class DefaultHeaders:
    """ASGI middleware adding `headers` to every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str] = DEFAULT_HEADERS) -> None:
        self.app = app
        self.defaults = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_defaults(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(name).lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.defaults if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_defaults)


def attachment(filename: str) -> str:
    """A Content-Disposition for `filename` that any name can go in (RFC 6266): an ASCII
    fallback, and the name itself percent-encoded as UTF-8 (`filename*`, RFC 8187). A name
    from the request (a sub-district asked for) may hold Chinese, quotes or line breaks."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


__all__ = ["DEFAULT_HEADERS", "DefaultHeaders", "attachment"]
