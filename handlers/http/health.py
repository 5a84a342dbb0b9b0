"""GET /healthz: is this Mobilot able to do its job?

200 while the database answers, the deliverer keeps up and (with long polling) Telegram was
reached lately; 503 when the database does not answer, a message has waited longer than
`STUCK_AFTER` (Telegram unreachable for that long, or the deliverer stopped), or polling has
not reached Telegram for `DEAF_AFTER`. The body says what is known either way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from handlers.http.context import HttpContext

STUCK_AFTER = timedelta(minutes=15)
# With long polling, no successful call to Telegram for this long: updates are not coming in.
DEAF_AFTER = timedelta(minutes=3)


def routes(context: HttpContext) -> list[BaseRoute]:
    async def healthz(request: Request) -> JSONResponse:
        core = context.core
        now = core.clock.now()
        if not await core.database_reachable():
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        backlog = await core.delivery.backlog()
        lag = backlog.lag(now)
        last = context.last_telegram_success()
        deaf = context.polling() and (last is None or datetime.now(UTC) - last > DEAF_AFTER)
        status = "stuck" if lag > STUCK_AFTER else "not polling" if deaf else "ok"
        body = {
            "status": status,
            "database": "ok",
            "outbox": {"pending": backlog.pending, "lag_seconds": round(lag.total_seconds())},
            "last_sent_at": backlog.last_sent_at.isoformat() if backlog.last_sent_at else None,
            "last_telegram_success_at": last.isoformat() if last else None,
        }
        return JSONResponse(body, 200 if status == "ok" else 503)

    return [Route("/healthz", healthz, methods=["GET"])]
