"""POST /telegram: Telegram's updates, when WEBHOOK_URL is set; POST /telegram/<territory>:
those of a territory's own bot, with its own secret (bot/services/bots.py).

Telegram is answered 200 only once the update is recorded in the inbox (committed): an answer
lost on the way makes Telegram send it again, and the inbox drops the repeat. A call without
the secret token Telegram was given is refused (403) and records nothing.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.delivery import JSON
from bot.domain import NotWired
from handlers.http.context import HttpContext

log = logging.getLogger(__name__)

PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # an update is a few KB; Telegram's largest stay far below this


def routes(context: HttpContext) -> list[BaseRoute]:
    receive = context.receive_update
    if receive is None:
        raise NotWired("the webhook is served without a receiver")
    served = [_route(PATH, receive, context.webhook_secret or "")]
    for territory, (its_receive, its_secret) in context.territory_webhooks.items():
        served.append(_route(f"{PATH}/{territory}", its_receive, its_secret))
    return served


def _route(path: str, receive: Callable[[JSON], Awaitable[int]], secret: str) -> BaseRoute:

    async def telegram(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            update = json.loads(body)
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                raise ValueError("no update_id")
        except ValueError:
            log.warning("webhook: a call that is not an update (%s bytes)", len(body))
            return Response(status_code=400)
        await receive(update)
        return Response(status_code=200)

    return Route(path, telegram, methods=["POST"])
