"""The HTTP side: one ASGI app (Starlette) served by uvicorn in the bot's own process and event
loop, on the same core as Telegram.

Starlette rather than FastAPI: the routes here are few and their contracts are given from
outside (Telegram's webhook, the standard-covoiturage OpenAPI document, which conformance
tests check against the published spec), so FastAPI's generated schemas would add weight and
a second source of truth. FastAPI is Starlette underneath, should that change.

Each feature is one module with its routes, mounted here:
- `health.py`: GET /healthz;
- `webhook.py`: POST /telegram, Telegram's updates when WEBHOOK_URL is set;
- `interop.py`: the partner platforms' API (standard covoiturage) under /api/covoiturage/,
  when INTEROP_OPERATOR is set;
- `sms.py`: GET /sms/incoming and /sms/report, the SMS gateway's calls, when
  SMS_GATEWAY_URL is set;
- the try page goes in `try_page.py`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from handlers.http import health, interop, sms, webhook
from handlers.http.context import HttpContext


def create_http_app(context: HttpContext) -> Starlette:
    routes: list[BaseRoute] = [*health.routes(context)]
    if context.receive_update is not None:
        routes += webhook.routes(context)
    if context.core.partner_api is not None and context.telling is not None:
        routes += interop.routes(context)
    if context.sms is not None:
        routes += sms.routes(context.sms.secret, context.sms.receive, context.sms.reported)
    return Starlette(routes=routes)
