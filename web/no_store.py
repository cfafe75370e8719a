"""`Cache-Control: no-store` on every JSON response: case data must not be kept by a browser,
a proxy or a shared cache (pages set it themselves, in `web/pages.py`)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class NoStoreForJson:
    """ASGI middleware: a JSON response without its own Cache-Control gets `no-store`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if (headers.get("content-type", "").startswith("application/json")
                        and "cache-control" not in headers):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_header)
