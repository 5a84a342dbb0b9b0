"""A real Kannel (bearerbox and smsbox, Debian's 1.4.5) for the tests, with the test playing
the phone network on Kannel's fake SMS centre.

Use:

    from tests.kannel import Kannel, kannel_fixture  # noqa: F401  (the fixture `kannel`)

    @pytest.fixture
    def kannel_get_url() -> str:  # where smsbox sends each text received (required)
        return f"http://127.0.0.1:{port}/sms/incoming?secret=S&from=%p&to=%P&text=%a&id=%I"

    async def test_x(kannel: Kannel) -> None:
        # Mobilot's settings: kannel.sendsms_url, kannel.username, kannel.password, kannel.number
        await kannel.text_from("0612345678", "cahors demain 9h")   # a phone writes to us
        assert "9h" in await kannel.next_text(to="+33612345678")  # what that phone got from us
        await kannel.stop(); await kannel.start()                 # Kannel down, then back
        await kannel.network_down(); await kannel.network_up()    # the modem unplugged, back

`next_message` gives the sender and the number of segments too, `unread(to)` how many texts
wait unread, `logs()` both boxes' logs. Without `bearerbox` the tests that use the fixture are
skipped, or fail when CI is set.

The fake SMS centre (`smsc = fake`): bearerbox listens on its port and the phone network
connects to it (Kannel's own `/usr/lib/kannel/test/fakesmsc` is such a client). Its protocol is
one line a message, `<sender> <receiver> <type> <message>\n`, both ways. This harness speaks it
itself rather than driving fakesmsc: no third process, and it reads every line as sent.

What was found out, with Kannel 1.4.5 (bookworm):
- `%I` in the get-url is the UUID bearerbox gives a text when it receives it. smsbox's own
  retries of the get-url (`http-request-retry`, also on a 5xx) carry the same `%I`, so it can
  drop a repeat of the same call. Each text bearerbox receives gets a new one: the same words
  sent twice by a phone are two texts with two ids (checked). smsbox acknowledges a text to bearerbox as soon as it has
  it: when its retries run out, or when smsbox dies meanwhile, the text is lost (checked: killed
  and restarted, smsbox did not call again, even with bearerbox's store).
- `%a` gives the words with every run of spaces or line breaks squeezed to one space, in UTF-8.
  A phone sends a text with a character outside GSM 7-bit (an emoji, "ê", "ç") in UCS-2: with
  smsbox's `mo-recode = true` it reaches the get-url in UTF-8 too; without it, as raw UTF-16
  bytes (checked, so both here and in deploy/kannel/kannel.conf it is on).
- Delivery reports: the fake SMS centre reports type 1 (delivered to the phone) for each text it
  passes on (checked with the masks 19, 27 and 31); bearerbox adds type 8 (delivered to the SMS
  centre, "ACK/") when the mask asks for 8. Nothing ever gives 2 on the fake line. Type 16 (not
  delivered to the SMS centre, "NACK/no SMSC") comes from bearerbox when no SMS centre will take
  the number: here, any number beginning with `REFUSED_PREFIX` (the fake group's
  `denied-prefix`); sendsms answers that request 403 "Not routable. Do not try again." and still
  fetches the report. A text in several segments gets one report, not one a segment.
- A long text (`max-messages = 10`, `concatenation = true`) arrives as one line a segment,
  `<from> <to> udh %05%00%03<ref><count><n> data <url-encoded UTF-8>`, 153 GSM characters a
  segment; a text over 10 segments (1530 characters) is cut there, silently (sendsms still says
  "Accepted"). A text of one segment arrives as `<from> <to> text <UTF-8>`, its line breaks
  written raw (the next line is the rest of that text: read so here).
- `coding=0` with `charset=UTF-8`: é è à ù É Ç (GSM 7-bit) and € (its extension table) arrive
  as they are; "ç" becomes "Ç"; â ê î ô û ë ï œ and "—" become "?", an emoji "????".
- While no phone network is connected (a modem or an operator link down), sendsms answers
  202 "3: Queued for later delivery" and bearerbox sends the text once it is back, even after
  a restart of both boxes in between (its `store-type = file`).
- smsbox stops when bearerbox stops, and exits at once if bearerbox is not there when it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes

import httpx
import pytest

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
# The territory's number on the fake line (made up).
NUMBER = "+33639980000"
# Numbers the fake SMS centre will not take (sendsms: 403 "Not routable", report type 16).
REFUSED_PREFIX = "+99"
TYPES = ("text", "data", "udh", "ucs-2")
# GSM 03.38's basic set: a phone sends a text made only of these in 7-bit, anything else in
# UCS-2 (the line break is one of them, but the fake line cannot carry it in a "text" line).
GSM7 = set(
    "@£$¥èéùìòÇØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def installed() -> bool:
    return os.access(BEARERBOX, os.X_OK) and os.access(SMSBOX, os.X_OK)


def require_kannel() -> None:
    """Skip the test when Kannel is missing, or fail it in CI, where it must run."""
    if installed():
        return
    missing = f"{BEARERBOX} and {SMSBOX} (apt-get install kannel kannel-extras)"
    if os.environ.get("CI", "") not in ("", "0", "false"):
        pytest.fail(f"CI is set but Kannel is not installed: {missing}")
    pytest.skip(f"Kannel is not installed: {missing}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unquoted(encoded: bytes) -> bytes:
    """Kannel's url-encoding (octstr_url_encode): a space is "+", anything else %XX."""
    return unquote_to_bytes(encoded.replace(b"+", b" "))


@dataclass
class PhoneText:
    """One text as the phone shows it: segments put back together, decoded."""

    sender: str
    receiver: str
    text: str
    segments: int = 1
    read: bool = False


@dataclass
class _Parts:
    sender: str
    receiver: str
    count: int
    parts: dict[int, bytes] = field(default_factory=dict)


class Kannel:
    """bearerbox and smsbox with a fake SMS centre, in `directory`, on free loopback ports."""

    def __init__(
        self,
        directory: Path,
        get_url: str,
        *,
        number: str = NUMBER,
        refused_prefix: str = REFUSED_PREFIX,
    ) -> None:
        self.directory = directory
        self.refused_prefix = refused_prefix
        self.directory.mkdir(parents=True, exist_ok=True)
        self.get_url = get_url
        self.number = number
        self.username = "mobilot"
        self.password = "kannel-test"
        self.admin_password = "kannel-admin"
        self.admin_port = free_port()
        self.smsbox_port = free_port()
        self.fake_port = free_port()
        self.sendsms_port = free_port()
        self.sendsms_url = f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"
        self.status_url = (
            f"http://127.0.0.1:{self.admin_port}/status.txt?password={self.admin_password}"
        )
        self.config = directory / "kannel.conf"
        self.config.write_text(self.configuration())
        self._processes: list[asyncio.subprocess.Process] = []
        self._line: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._listening: asyncio.Task[None] | None = None
        self._texts: defaultdict[str, asyncio.Queue[PhoneText]] = defaultdict(asyncio.Queue)
        self._parts: dict[tuple[str, str, int], _Parts] = {}
        self._last: PhoneText | None = None
        self.problems: list[str] = []
        self.starts = 0

    def configuration(self) -> str:
        store = self.directory / "kannel.store"
        return f"""\
group = core
admin-port = {self.admin_port}
admin-interface = 127.0.0.1
admin-allow-ip = 127.0.0.1
admin-password = {self.admin_password}
smsbox-port = {self.smsbox_port}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
store-type = file
store-location = "{store}"

group = smsc
smsc = fake
smsc-id = fake
port = {self.fake_port}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1
denied-prefix = "{self.refused_prefix}"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.smsbox_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
mo-recode = true
http-request-retry = 3
http-queue-delay = 1

group = sendsms-user
username = {self.username}
password = {self.password}
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{self.get_url}"
"""

    # -- the two boxes ---------------------------------------------------------------------

    async def start(self) -> None:
        """Start bearerbox, then smsbox once bearerbox listens, then connect the phone line;
        return once sendsms answers and the fake SMS centre is on-line."""
        require_kannel()
        self.starts += 1
        try:
            await self._spawn(BEARERBOX, "bearerbox")
            await self._until(self._accepts(self.smsbox_port), "bearerbox listens for smsbox")
            await self._spawn(SMSBOX, "smsbox")
            await self._until(self._sendsms_answers, "sendsms answers")
            await self.network_up()
        except BaseException:
            await self._kill(signal.SIGKILL)
            raise

    async def stop(self, *, kill: bool = False) -> None:
        """Stop both boxes (SIGTERM, as a service manager would; SIGKILL with `kill`) and hang
        up the phone line. Texts bearerbox still held are kept in its store for the next start."""
        await self._hang_up()
        await self._kill(signal.SIGKILL if kill else signal.SIGTERM)

    async def _spawn(self, program: Path, name: str) -> None:
        log = (self.directory / f"{name}.log").open("ab")
        log.write(f"--- start {self.starts}\n".encode())
        log.flush()
        try:
            process = await asyncio.create_subprocess_exec(
                str(program),
                "-v",
                "1",
                str(self.config),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        finally:
            log.close()
        self._processes.append(process)

    async def _kill(self, how: signal.Signals) -> None:
        processes, self._processes = self._processes, []
        for process in reversed(processes):  # smsbox first
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, how)
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()

    async def _until(self, ready: Callable[[], Awaitable[bool]], what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while not await ready():
            dead = [p for p in self._processes if p.returncode is not None]
            if dead or loop.time() > deadline:
                why = "a box exited" if dead else "15 s passed"
                raise RuntimeError(f"Kannel did not start ({why} before {what}):\n{self.logs()}")
            await asyncio.sleep(0.05)

    def _accepts(self, port: int) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                return False
            writer.close()
            return True

        return check

    async def _sendsms_answers(self) -> bool:
        try:
            async with httpx.AsyncClient(timeout=2) as client:
                await client.get(self.sendsms_url)  # 403 without a user: it answers
        except httpx.HTTPError:
            return False
        return True

    async def _online(self) -> bool:
        try:
            async with httpx.AsyncClient(timeout=2) as client:
                status = (await client.get(self.status_url)).text
        except httpx.HTTPError:
            return False
        return f"FAKE:{self.fake_port} (online" in status

    def logs(self) -> str:
        """Both boxes' logs (Kannel's own words), for a test's failure message."""
        parts = []
        for name in ("bearerbox", "smsbox"):
            path = self.directory / f"{name}.log"
            text = path.read_text(errors="replace") if path.exists() else "(none)"
            parts.append(f"=== {path}\n{text[-6000:]}")
        return "\n".join(parts)

    # -- the phone network ------------------------------------------------------------------

    async def _connect_line(self) -> bool:
        try:
            self._line = await asyncio.open_connection("127.0.0.1", self.fake_port)
        except OSError:
            return False
        self._listening = asyncio.create_task(self._listen(self._line[0]))
        return True

    async def network_down(self) -> None:
        """The phone network goes (a modem unplugged, an operator's link down); Kannel stays."""
        await self._hang_up()
        await self._until(self._offline, "the fake SMS centre sees the line go")

    async def network_up(self) -> None:
        await self._until(self._connect_line, "the fake SMS centre takes the phone line")
        await self._until(self._online, "the fake SMS centre is on-line")

    async def _offline(self) -> bool:
        return not await self._online()

    async def _hang_up(self) -> None:
        if self._line is not None:
            self._line[1].close()
            with contextlib.suppress(OSError):
                await self._line[1].wait_closed()
            self._line = None
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None
        self._parts.clear()
        self._last = None

    async def text_from(self, phone: str, text: str, *, to: str | None = None) -> None:
        """A phone sends `text` to the territory's number (or `to`): in 7-bit when every
        character is GSM's (as a phone does), else in UCS-2."""
        assert self._line is not None, "Kannel is stopped"
        receiver = to or self.number
        if all(character in GSM7 for character in text):
            line = f"{phone} {receiver} text {text}\n".encode()
        else:
            encoded = quote_from_bytes(text.encode("utf-16-be"), safe="")
            line = f"{phone} {receiver} ucs2 {encoded}\n".encode()
        self._line[1].write(line)
        await self._line[1].drain()

    async def next_text(self, to: str, timeout: float = 10) -> str:
        """The next text Mobilot sent to the phone `to`, whole and decoded."""
        return (await self.next_message(to, timeout)).text

    async def next_message(self, to: str, timeout: float = 10) -> PhoneText:
        """As next_text, with who sent it and in how many segments."""
        try:
            message = await asyncio.wait_for(self._texts[to].get(), timeout)
        except TimeoutError:
            others = {phone: queue.qsize() for phone, queue in self._texts.items() if queue.qsize()}
            raise AssertionError(
                f"no text to {to} within {timeout} s (unread texts to others: {others}, "
                f"problems: {self.problems})"
            ) from None
        message.read = True
        return message

    def unread(self, to: str) -> int:
        """How many texts to `to` came and were not read yet."""
        return self._texts[to].qsize()

    async def _listen(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            self._take(line.rstrip(b"\n"))

    def _take(self, line: bytes) -> None:
        words = line.split(b" ", 3)
        kind = words[2].decode(errors="replace") if len(words) == 4 else ""
        if kind not in TYPES:
            # A line break written raw inside a one-segment text: the rest of that text.
            if self._last is None or self._last.read:
                self.problems.append(f"a line that is no text: {line!r}")
            else:
                self._last.text += "\n" + line.decode("utf-8", errors="replace")
            return
        sender, receiver = words[0].decode(), words[1].decode()
        body = words[3]
        self._last = None
        if kind == "text":
            self._deliver(PhoneText(sender, receiver, body.decode("utf-8", errors="replace")))
        elif kind == "ucs-2":
            text = unquoted(body).decode("utf-16-be", errors="replace")
            self._deliver(PhoneText(sender, receiver, text))
        elif kind == "data":
            text = unquoted(body).decode("utf-8", errors="replace")
            self._deliver(PhoneText(sender, receiver, text))
        else:  # udh <udh> data <segment>
            header, _, rest = body.partition(b" ")
            _, _, segment = rest.partition(b" ")
            self._segment(sender, receiver, unquoted(header), unquoted(segment))

    def _segment(self, sender: str, receiver: str, udh: bytes, data: bytes) -> None:
        concatenation = None
        at = 1
        while at + 1 < len(udh):  # udh[0] is the header's length; then (id, length, value)s
            identifier, length = udh[at], udh[at + 1]
            value = udh[at + 2 : at + 2 + length]
            if identifier == 0x00 and length == 3:  # 8-bit reference
                concatenation = (value[0], value[1], value[2])
            elif identifier == 0x08 and length == 4:  # 16-bit reference
                concatenation = (value[0] << 8 | value[1], value[2], value[3])
            at += 2 + length
        if concatenation is None:
            self.problems.append(f"a segment without a concatenation header: {udh!r}")
            return
        reference, count, number = concatenation
        key = (sender, receiver, reference)
        parts = self._parts.setdefault(key, _Parts(sender, receiver, count))
        parts.parts[number] = data
        if len(parts.parts) == parts.count:
            del self._parts[key]
            # Kannel's segments of a 7-bit text carry UTF-8 on the fake line (KannelGateway
            # always sends coding=0).
            whole = b"".join(parts.parts[n] for n in sorted(parts.parts))
            self._deliver(
                PhoneText(sender, receiver, whole.decode("utf-8", errors="replace"), count)
            )

    def _deliver(self, message: PhoneText) -> None:
        self._texts[message.receiver].put_nowait(message)
        self._last = message if message.segments == 1 else None


@pytest.fixture(name="kannel")
async def kannel_fixture(tmp_path: Path, kannel_get_url: str) -> AsyncIterator[Kannel]:
    """A running Kannel (skipped without one, failed in CI). smsbox sends the texts received
    to the test module's own fixture `kannel_get_url`."""
    require_kannel()
    running = Kannel(tmp_path / "kannel", kannel_get_url)
    await running.start()
    try:
        yield running
    finally:
        await running.stop(kill=True)
