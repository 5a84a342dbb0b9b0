"""Texts out of the outbox, through the gateway: what the deliverer calls for a text.

The delivery report of each text comes back on our HTTP side (handlers/sms/routes.py) with
the outbox id it was sent for, signed with the secret the gateway is given."""

from __future__ import annotations

from urllib.parse import urlencode

from bot.delivery import OutboxEntry
from handlers.sms.gateway import KannelGateway


class TextSender:
    def __init__(self, gateway: KannelGateway, report_base: str, secret: str) -> None:
        self._gateway = gateway
        self._report_base = report_base
        self._secret = secret

    def report_url(self, entry_id: int) -> str:
        # %d is the gateway's own escape code for the report's type (1 delivered, 2 failed…);
        # %A its operator's answer.
        query = urlencode({"secret": self._secret, "id": entry_id})
        return f"{self._report_base}/sms/report?{query}&type=%d&answer=%A"

    async def send(self, entry: OutboxEntry) -> None:
        """Raises GatewayDown (tried again later) or GatewayRefused (never)."""
        params = entry.params
        # Their territory's own number, when the row names one (handlers/sms/outgoing.py).
        sender = params.get("from")
        await self._gateway.send(
            str(params["to"]),
            str(params["text"]),
            report_url=self.report_url(entry.id),
            sender=str(sender) if sender else None,
        )

    async def close(self) -> None:
        await self._gateway.close()
