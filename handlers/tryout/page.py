"""The try page and what it asks of try mode: the chats' state, people writing, pressing and
sharing, a person added, the clock moved, everything reset; and the simple phones' texts.

Everything a person does goes through the stand-in exactly as a Telegram app would send it,
so the bot cannot tell the page from Telegram; what a simple phone texts goes through the
stand-in for Kannel (smsgate.py) exactly as Kannel passes a text on.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.phones import show_phone
from handlers.tryout.botapi import FakeBotAPI
from handlers.tryout.chats import FakeUser
from handlers.tryout.demo import OPERATORS_GROUP, PLACES, SIMPLE_PHONES, SimplePhone, TryPerson
from handlers.tryout.render import chat_item, reply_keyboard
from handlers.tryout.smsgate import FakeKannel, NotSent, Sms
from i18n import LANGUAGES, load_catalog

STATIC = Path(__file__).parent / "static"
ASSETS = {"page.js": "text/javascript", "page.css": "text/css"}
MAX_TEXT = 10_000  # what a person may type at once (Telegram's apps split past 4096)
MAX_UPLOAD = 5_000_000
LONG_POLL_SECONDS = 20.0
PAGE_TEXTS = (
    "try.title", "try.intro", "try.go_live", "try.clock", "try.reset", "try.reset_confirm",
    "try.add_person", "try.add_name", "try.add_team", "try.add_button", "try.add_demo",
    "try.close", "try.role_driver", "try.role_passenger", "try.role_operator",
    "try.role_person", "try.group", "try.write", "try.send", "try.attach",
    "try.share_location", "try.share_contact", "try.send_photo", "try.send_document",
    "try.send_sticker", "try.menu", "try.ok", "try.pick_place", "try.pick_on_map",
    "try.cancel", "try.edited",
    "try.location_at", "try.photo", "try.as_person", "try.move_hour", "try.move_day",
    "try.move_week", "try.move_month", "try.tomorrow_at", "try.moving", "try.language",
    "try.sticker", "try.voice", "try.download", "try.error", "try.open_chat",
    "try.group_hint", "try.empty_chat", "try.sms_phone", "try.sms_write", "try.sms_empty",
    "try.sms_hint_passenger", "try.sms_hint_driver", "try.sms_segments", "try.open_phone",
)  # fmt: skip
# The clock's moves: a step forward, or tomorrow at an hour (the reminders' and questions').
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1),
         "month": timedelta(weeks=4)}  # fmt: skip


class TryControl(Protocol):
    """What the page needs of try mode (bot/try_mode.py)."""

    @property
    def standin(self) -> FakeBotAPI: ...
    @property
    def people(self) -> list[TryPerson]: ...
    @property
    def sms(self) -> FakeKannel: ...
    @property
    def zone(self) -> ZoneInfo: ...
    @property
    def default_language(self) -> str: ...
    def now(self) -> datetime: ...
    def add_person(self, name: str, operator: bool, language: str) -> TryPerson: ...
    async def move_clock(self, to: datetime) -> None: ...
    async def reset(self, language: str | None = None) -> None: ...


def texts(language: str) -> dict[str, str]:
    catalog = load_catalog(language)
    return {key: catalog[key] for key in PAGE_TEXTS}


def _language(request: Request, control: TryControl) -> str:
    asked = request.query_params.get("lang", "")
    return asked if asked in LANGUAGES else control.default_language


def state(control: TryControl) -> dict[str, Any]:
    standin = control.standin
    chats: dict[str, Any] = {}
    for chat_id in [*(p.user_id for p in control.people), OPERATORS_GROUP]:
        items = [chat_item(m, sent, control.zone) for m, sent in standin.transcript(chat_id)]
        if chat_id > 0:
            bot_messages = standin.users[chat_id].messages()
            keyboard = reply_keyboard(bot_messages, last_written(items))
            # The menu Telegram shows: the one set for the person's language, else the default.
            language = standin.users[chat_id].language_code or ""
            commands = standin.commands(None, language) or standin.commands(None, "")
        else:
            keyboard = None
            commands = standin.commands({"type": "chat", "chat_id": chat_id}, "")
        chats[str(chat_id)] = {"items": items, "keyboard": keyboard, "commands": commands}
    return {
        "version": standin.version,
        "now": control.now().astimezone(control.zone).isoformat(),
        "zone": str(control.zone),
        "bot": standin.bot_username,
        "group": {"id": OPERATORS_GROUP, "title": standin.groups[OPERATORS_GROUP].title},
        "people": [
            {
                "id": p.user_id,
                "name": f"{p.first_name} {p.last_name}".strip(),
                "first_name": p.first_name,
                "username": p.username,
                "role": p.role,
                "shown": p.shown,
            }
            for p in control.people
        ],
        "chats": chats,
        # Telegram shows a button's answer over the chat, briefly or as an alert to close.
        "answers": [
            {"n": n, "user_id": a["user_id"], "text": a["text"], "alert": a["show_alert"]}
            for n, a in enumerate(standin.callback_answers)
            if a.get("text")
        ][-20:],
        "places": [{"name": n, "lat": lat, "lon": lon} for n, lat, lon in PLACES],
        "sms": {
            "number": control.sms.number,
            "phones": [simple_phone(control, phone) for phone in simple_phones(control)],
        },
    }


def simple_phone(control: TryControl, phone: SimplePhone) -> dict[str, Any]:
    texts = control.sms.on_phone(phone.number)
    return {"number": phone.number, "shown": show_phone(phone.number), "name": phone.name,
            "role": phone.role, "open": phone.shown,
            "items": [sms_item(sms, control.zone) for sms in texts]}  # fmt: skip


def simple_phones(control: TryControl) -> list[SimplePhone]:
    """The demo's simple phones, then any other number Mobilot texted (someone the team
    registered by phone and reaches by SMS)."""
    known = [phone.number for phone in SIMPLE_PHONES]
    others = [n for n in control.sms.numbers() if n not in known]
    return [*SIMPLE_PHONES, *(SimplePhone(n, "", "person", shown=False) for n in others)]


def sms_item(sms: Sms, zone: ZoneInfo) -> dict[str, Any]:
    when = sms.at.astimezone(zone)
    return {"id": sms.n, "mine": sms.mine, "text": sms.text, "segments": sms.segments,
            "time": when.strftime("%H:%M"), "day": when.date().isoformat()}  # fmt: skip


async def text(control: TryControl, body: dict[str, Any]) -> None:
    """A simple phone texts the territory's number."""
    number = body.get("number")
    if number not in [phone.number for phone in simple_phones(control)]:
        raise LookupError("no such phone")
    words = str(body.get("text", ""))[:MAX_TEXT]
    if words.strip():
        await control.sms.phone_sends(str(number), words)


def last_written(items: list[dict[str, Any]]) -> int:
    return max((int(i["id"]) for i in items if not i["from_bot"]), default=0)


def _person(control: TryControl, user_id: object) -> tuple[TryPerson, FakeUser]:
    for person in control.people:
        if person.user_id == user_id:
            return person, control.standin.users[person.user_id]
    raise LookupError("no such person")


async def act(control: TryControl, body: dict[str, Any]) -> None:
    """One thing a person does in a chat (their own private chat, or the team's group)."""
    person, user = _person(control, body.get("user_id"))
    standin = control.standin
    in_group = body.get("chat_id") == OPERATORS_GROUP
    group = standin.groups[OPERATORS_GROUP]
    action = body.get("action")
    if action == "text":
        text = str(body.get("text", ""))[:MAX_TEXT]
        if not text.strip():
            return
        await (group.send(user, text) if in_group else user.send(text))
    elif action == "press":
        chat = group if in_group else user
        message_id = int(body.get("message_id", 0))
        message = next((m for m in chat.messages() if m.message_id == message_id), None)
        if message is None:
            raise LookupError("no such message")
        data = str(body.get("data", ""))
        await (group.press_data(user, data, message=message) if in_group
               else user.press_data(data, message=message))  # fmt: skip
    elif in_group:
        raise LookupError("only text and buttons in the group")
    elif action == "location":
        await user.send_location(float(body["lat"]), float(body["lon"]))
    elif action == "contact":
        await user.send_contact(person.phone)
    elif action == "photo":
        await user.send_photo(str(body.get("caption") or "")[:1024] or None)
    elif action == "sticker":
        await user.send_sticker(str(body.get("emoji") or "👍")[:8])
    else:
        raise LookupError(f"unknown action {action!r}")


def clock_target(control: TryControl, move: str) -> datetime:
    now = control.now()
    if move in STEPS:
        return now + STEPS[move]
    if move.startswith("tomorrow_"):
        hour = int(move.removeprefix("tomorrow_"))
        tomorrow = now.astimezone(control.zone).date() + timedelta(days=1)
        return datetime.combine(tomorrow, time(hour), tzinfo=control.zone)
    raise LookupError(f"unknown move {move!r}")


def routes(control: TryControl) -> list[BaseRoute]:
    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return Response(status_code=404)
        return FileResponse(STATIC / name, media_type=ASSETS[name])

    async def page_texts(request: Request) -> Response:
        language = _language(request, control)
        return JSONResponse({"language": language, "texts": texts(language)})

    async def get_state(request: Request) -> Response:
        try:
            seen = int(request.query_params.get("seen", "-1"))
        except ValueError:
            seen = -1
        await control.standin.wait_for_change(seen, LONG_POLL_SECONDS)
        return JSONResponse(state(control))

    async def post_act(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            if not isinstance(body, dict):
                raise ValueError("not an object")
            await act(control, body)
        except (ValueError, LookupError, KeyError, TypeError) as error:
            return JSONResponse({"error": str(error)}, 400)
        return JSONResponse({"ok": True})

    async def post_sms(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            if not isinstance(body, dict):
                raise ValueError("not an object")
            await text(control, body)
        except (ValueError, LookupError) as error:
            return JSONResponse({"error": str(error)}, 400)
        except NotSent as error:
            return JSONResponse({"error": str(error)}, 502)
        return JSONResponse({"ok": True})

    async def post_document(request: Request) -> Response:
        async with request.form(max_part_size=MAX_UPLOAD) as form:
            upload = form.get("file")
            try:
                _, user = _person(control, int(str(form.get("user_id", "0"))))
            except (ValueError, LookupError) as error:
                return JSONResponse({"error": str(error)}, 400)
            if not isinstance(upload, UploadFile):
                return JSONResponse({"error": "no file"}, 400)
            content = await upload.read()
            caption = str(form.get("caption") or "")[:1024] or None
        await user.send_document(upload.filename or "document", content, caption)
        return JSONResponse({"ok": True})

    async def post_person(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            name = " ".join(str(body.get("name", "")).split())[:40]
            if not name:
                raise ValueError("a name, please")
            language = str(body.get("language", control.default_language))
            person = control.add_person(name, bool(body.get("operator")), language)
        except (ValueError, AttributeError) as error:
            return JSONResponse({"error": str(error)}, 400)
        return JSONResponse({"id": person.user_id})

    async def post_clock(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            target = clock_target(control, str(body.get("move", "")))
        except (ValueError, LookupError, AttributeError) as error:
            return JSONResponse({"error": str(error)}, 400)
        await control.move_clock(target)
        return JSONResponse({"now": control.now().astimezone(control.zone).isoformat()})

    async def post_reset(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
            language = str(body.get("language", "")) if isinstance(body, dict) else ""
        except ValueError:
            language = ""
        await control.reset(language or None)
        return JSONResponse({"ok": True})

    async def file(request: Request) -> Response:
        stored = control.standin.files.get(request.path_params["file_id"])
        if stored is None:
            return Response(status_code=404)
        disposition = f"attachment; filename*=UTF-8''{_quote(stored.filename)}"
        return Response(stored.content, media_type=stored.mime_type,
                        headers={"Content-Disposition": disposition})  # fmt: skip

    return [
        Route("/", page, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
        Route("/try/static/{name}", asset, methods=["GET"]),
        Route("/try/api/texts", page_texts, methods=["GET"]),
        Route("/try/api/state", get_state, methods=["GET"]),
        Route("/try/api/act", post_act, methods=["POST"]),
        Route("/try/api/sms", post_sms, methods=["POST"]),
        Route("/try/api/document", post_document, methods=["POST"]),
        Route("/try/api/people", post_person, methods=["POST"]),
        Route("/try/api/clock", post_clock, methods=["POST"]),
        Route("/try/api/reset", post_reset, methods=["POST"]),
        Route("/try/api/file/{file_id}", file, methods=["GET"]),
    ]


def _quote(name: str) -> str:
    return quote(name, safe="")
