"""Calling a partner platform's search routes (standard covoiturage) with httpx."""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx

from bot.domain import NotWired
from bot.interop.partners import Partner
from bot.interop.ports import PartnerUnavailable

MAX_ANSWER = 2_000_000  # bytes: a search answer is a few KB


@cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context per process: building it reads the certificate authorities
    (some 50 ms), and a process may start several bots (try mode, the tests)."""
    return httpx.create_ssl_context()


class HttpxPartnerClient:
    def __init__(self, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None):
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
            follow_redirects=False,
            verify=_tls(),
        )

    async def search(self, partner: Partner, route: str, params: dict[str, str]) -> list[Any]:
        if partner.api_url is None:
            raise NotWired(f"partner {partner.name} has no API address")
        headers = {"Accept": "application/json"}
        if partner.api_key:
            headers["X-API-Key"] = partner.api_key
        try:
            answer = await self._client.get(
                f"{partner.api_url}/{route}", params=params, headers=headers
            )
        except httpx.HTTPError as error:
            raise PartnerUnavailable(f"{type(error).__name__}: {error}") from None
        if answer.status_code != 200:
            raise PartnerUnavailable(f"HTTP {answer.status_code}")
        if len(answer.content) > MAX_ANSWER:
            raise PartnerUnavailable("answer too large")
        try:
            body = answer.json()
        except ValueError:
            raise PartnerUnavailable("not JSON") from None
        if not isinstance(body, list):
            raise PartnerUnavailable("not a JSON array")
        return body

    async def update_booking(self, partner: Partner, booking_id: str, status: str) -> None:
        if partner.api_url is None:
            raise NotWired(f"partner {partner.name} has no API address")
        headers = {"X-API-Key": partner.api_key} if partner.api_key else {}
        try:
            answer = await self._client.patch(
                f"{partner.api_url}/bookings/{booking_id}",
                params={"status": status},
                headers=headers,
            )
        except httpx.HTTPError as error:
            raise PartnerUnavailable(f"{type(error).__name__}: {error}") from None
        # 409: it knew already; anything else but 200 is worth trying again later.
        if answer.status_code not in (200, 409):
            raise PartnerUnavailable(f"HTTP {answer.status_code}")

    async def close(self) -> None:
        await self._client.aclose()
