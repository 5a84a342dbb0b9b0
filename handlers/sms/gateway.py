"""Sending a text through Kannel's smsbox (its `sendsms` HTTP interface).

What Kannel 1.4.5 answers (checked against a real bearerbox and smsbox, tests/test_sms_gateway.py):
- 202 `0: Accepted for delivery`: handed to an SMS centre's driver;
- 202 `3: Queued for later delivery`: no SMS centre is connected right now (the modem or the
  operator's link is down); bearerbox keeps the text and sends it when one is back. Accepted:
  sending it again would send it twice;
- 403 `Authorization failed for sendsms` (wrong username or password), 403 `Not routable. Do
  not try again.` (no SMS centre takes that number), 400 `Number(s) has/have been denied by
  white- and/or black-lists.` (not a number): refused, never worth trying again;
- no answer at all (smsbox stopped: connection refused; a time-out), or a 5xx (the manual's 503
  "Temporal failure, try again later"): down, try later.

`to` is passed as E.164 ("+33612345678"): sendsms accepts `+` (its default `sendsms-chars` is
"0123456789 +-"), the fake SMS centre shows it as given, and the real drivers read a leading `+`
as an international number (SMPP: TON 1; AT modem: type 145; read in Kannel's source).

Delivery reports: `dlr-mask` 19 = 1 (delivered to the phone) + 2 (not delivered to the phone)
+ 16 (not delivered to the SMS centre). Kannel fetches `report_url` once per report (again on
failure, as smsbox's `http-request-retry` says), with its escape codes replaced (`%d`, the
report's type). Kannel's fake SMS centre (the tests') reports
type 1 for every text it passes on, never 2; type 16 comes from bearerbox itself when no SMS
centre takes the text. A text split into several segments gets one report, not one a segment.
"""

from __future__ import annotations

import httpx

# 1: delivered to the phone; 2: not delivered to the phone; 16: not delivered to the SMS centre.
# (4, queued on the SMS centre, and 8, delivered to the SMS centre, say nothing a person notices.)
DLR_MASK = 1 | 2 | 16


class GatewayDown(Exception):
    """The gateway could not take the text now (no answer, a time-out, a 5xx): try again later."""


class GatewayRefused(Exception):
    """The gateway refused the text (wrong credentials, a number it will not send to): trying
    again would fail the same way."""


class KannelGateway:
    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        sender: str,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.username = username
        self.password = password
        self.sender = sender
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s), transport=transport, follow_redirects=False
        )

    async def send(
        self, to: str, text: str, *, report_url: str | None = None, sender: str | None = None
    ) -> None:
        """Hand one text to Kannel; returns once Kannel has accepted it (sent or queued).
        `sender`: a territory's own number, else SMS_NUMBER."""
        params = {
            "username": self.username,
            "password": self.password,
            "to": to,
            "from": sender or self.sender,
            "text": text,
            "charset": "UTF-8",
            "coding": "0",
        }
        if report_url is not None:
            params["dlr-mask"] = str(DLR_MASK)
            params["dlr-url"] = report_url
        try:
            answer = await self._client.get(self.url, params=params)
        except httpx.HTTPError as error:
            # Never the URL: it carries the password.
            raise GatewayDown(f"{type(error).__name__}: {error}") from None
        said = answer.text.strip()[:200]
        if answer.is_success:
            return
        if answer.status_code >= 500 or answer.status_code in (408, 429):
            raise GatewayDown(f"HTTP {answer.status_code}: {said}")
        raise GatewayRefused(f"HTTP {answer.status_code}: {said}")

    async def close(self) -> None:
        await self._client.aclose()
