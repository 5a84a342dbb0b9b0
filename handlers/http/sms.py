"""GET /sms/incoming and /sms/report: what the SMS gateway (Kannel) passes on.

Kannel's sms-service calls `/sms/incoming?secret=SMS_SECRET&from=%p&to=%P&text=%a&id=%I` for
each text received: it is answered 200, with an empty body (Mobilot answers through sendsms),
only once the text is recorded; a text passed on twice (same id) is recorded once. Each text
sent asks for delivery reports on `/sms/report?secret=…&id=<outbox id>&type=%d`. A call
without the right secret is refused (403) and records nothing; nothing here ever shows a
number or a text back.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.delivery import Report

log = logging.getLogger(__name__)

INCOMING, REPORT = "/sms/incoming", "/sms/report"
# Kannel's report types (dlr-mask bits): 1 delivered to the phone, 2 not delivered to the
# phone, 4 queued at the operator's centre, 8 delivered to the centre, 16 not delivered to it.
REPORTS = {
    1: Report.DELIVERED,
    2: Report.FAILED,
    4: Report.ON_ITS_WAY,
    8: Report.ON_ITS_WAY,
    16: Report.FAILED,
}
MAX_TEXT = 5000

Receive = Callable[[str | None, str, str, str], Awaitable[bool]]
Reported = Callable[[int, Report, str], Awaitable[None]]


def routes(secret: str, receive: Receive, reported: Reported) -> list[BaseRoute]:
    def allowed(request: Request) -> bool:
        given = request.query_params.get("secret", "")
        return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())

    async def incoming(request: Request) -> Response:
        if not allowed(request):
            log.warning("SMS gateway: a call without the right secret was refused")
            return PlainTextResponse("forbidden", status_code=403)
        query = request.query_params
        sender, text = query.get("from", "").strip(), query.get("text", "")
        if not sender:
            return PlainTextResponse("from is missing", status_code=400)
        await receive(query.get("id") or None, sender, query.get("to", ""), text[:MAX_TEXT])
        return Response(status_code=200)

    async def report(request: Request) -> Response:
        if not allowed(request):
            return PlainTextResponse("forbidden", status_code=403)
        query = request.query_params
        try:
            entry_id, kind = int(query.get("id", "")), int(query.get("type", ""))
        except ValueError:
            return PlainTextResponse("id and type are numbers", status_code=400)
        said = REPORTS.get(kind)
        if said is not None:
            await reported(entry_id, said, f"type {kind} {query.get('answer', '')}".strip())
        return Response(status_code=200)

    return [
        Route(INCOMING, incoming, methods=["GET", "POST"]),
        Route(REPORT, report, methods=["GET", "POST"]),
    ]
