"""GET /healthz: is this Mobilot able to do its job?

200 while the database answers and the deliverer keeps up; 503 when the database does not
answer, or a message has waited longer than `STUCK_AFTER` (Telegram unreachable for that
long, or the deliverer stopped). The body says what is known either way.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from handlers.http.context import HttpContext

STUCK_AFTER = timedelta(minutes=15)


def routes(context: HttpContext) -> list[BaseRoute]:
    async def healthz(request: Request) -> JSONResponse:
        core = context.core
        now = core.clock.now()
        if not await core.database_reachable():
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        backlog = await core.delivery.backlog()
        lag = backlog.lag(now)
        last = context.last_telegram_success()
        body = {
            "status": "ok" if lag <= STUCK_AFTER else "stuck",
            "database": "ok",
            "outbox": {"pending": backlog.pending, "lag_seconds": round(lag.total_seconds())},
            "last_sent_at": backlog.last_sent_at.isoformat() if backlog.last_sent_at else None,
            "last_telegram_success_at": last.isoformat() if last else None,
        }
        return JSONResponse(body, 200 if lag <= STUCK_AFTER else 503)

    return [Route("/healthz", healthz, methods=["GET"])]
