"""The Bot API methods the stand-in serves, each answered as Telegram answers it.

Every call is decoded to an `ApiCall` (parameters as Telegram reads them, uploaded files) and
answered by the method registered for its name, or refused as Telegram refuses it: 400 "Bad
Request: ..." (an `ApiError`) for a text that is empty, too long or whose HTML does not parse,
a keyboard Telegram would not show, a message that is not modified, or not there; 403 for a
person who never started the bot or blocked it. What the method does to the chats is kept in
the stand-in (botapi.py, chats.py).

To add a Bot API method: write a `BotApiMethods` method `async def _m_<name>(self, call)`
decorated with `@api("methodName")`; return the `result` JSON or raise
`ApiError(status, description)` (`bad_request("...")` for a 400 "Bad Request: ...").
`call.params` holds the decoded parameters, `call.file(param)` an uploaded file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any, ClassVar, TypeVar

from telegram.request import RequestData

from handlers.tryout.chats import (
    Chat,
    FakeUser,
    SentFile,
    SentMessage,
    chat_member_json,
    document_json,
    photo_json,
)
from handlers.tryout.telegram_html import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    HTMLParseError,
    parse_html,
    strip_text,
)

JSONDict = dict[str, Any]

MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200

# Parameters that the Bot API expects as JSON-serialized objects; PTB passes them as dicts/lists,
# but `api_kwargs` (or another client) may pass them as JSON strings.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "scope",
        "commands",
        "menu_button",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "message_ids",
    }
)
_INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


class ApiError(Exception):
    """Raised by a method implementation: answered as `{"ok": false, ...}` with this status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def bad_request(description: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")


@dataclass(frozen=True)
class FakeError:
    """One failed Bot API call (what Telegram would have refused, or what the fake can't do)."""

    method: str
    status: int
    description: str
    params: JSONDict = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.method}: {self.status} {self.description}"


@dataclass
class ApiCall:
    """One decoded Bot API request, as handed to a method implementation."""

    method: str
    params: JSONDict
    files: dict[str, tuple[str, bytes, str]]  # multipart part name -> (filename, content, mime)

    def file(self, param: str) -> tuple[str, bytes, str] | None:
        """The uploaded file of `param` (directly uploaded or referenced as attach://name)."""
        value = self.params.get(param)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        if value is None:
            return self.files.get(param)
        return None


def bad_request_fake(description: str) -> ApiError:
    """What the stand-in cannot do (not Telegram's refusal): a 400 "fake: ..."."""
    return ApiError(HTTPStatus.BAD_REQUEST, f"fake: {description}")


def answer_error(error: ApiError) -> tuple[int, bytes]:
    body = {"ok": False, "error_code": error.status, "description": error.description}
    return error.status, json.dumps(body).encode()


def decode_params(request_data: RequestData | None) -> JSONDict:
    """The parameters as Telegram would read them: JSON values, JSON strings decoded."""
    if request_data is None:
        return {}
    params: JSONDict = json.loads(json.dumps(request_data.parameters))
    for key in _JSON_PARAMS & params.keys():
        value = params[key]
        if isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {key} JSON object") from None
    return params


def decode_files(request_data: RequestData | None) -> dict[str, tuple[str, bytes, str]]:
    if request_data is None or not request_data.contains_files:
        return {}
    files: dict[str, tuple[str, bytes, str]] = {}
    for part, field_tuple in request_data.multipart_data.items():
        filename, content, mime = field_tuple[0], field_tuple[1], field_tuple[2]
        data = content if isinstance(content, bytes) else content.read()
        files[part] = (filename or part, data, mime or "application/octet-stream")
    return files


# An implementation, called with the FakeBotAPI and the call.
MethodImpl = Callable[[Any, ApiCall], Awaitable[Any]]
METHODS: dict[str, MethodImpl] = {}  # Bot API method name -> implementation
_Impl = TypeVar("_Impl", bound=MethodImpl)


def api(name: str) -> Callable[[_Impl], _Impl]:
    """Registers the decorated method as the implementation of Bot API `name`."""

    def register(impl: _Impl) -> _Impl:
        METHODS[name] = impl
        return impl

    return register


class BotApiMethods:
    """The methods FakeBotAPI serves, and how they read and write its chats."""

    # The stand-in's state (set by FakeBotAPI.__init__).
    message_type: ClassVar[type[SentMessage]]
    bot_id: int
    bot_username: str
    bot_first_name: str
    users: dict[int, FakeUser]
    members: dict[tuple[int, int], str]
    my_commands: dict[tuple[str, str], list[JSONDict]]
    menu_buttons: dict[int | None, JSONDict]
    callback_answers: list[JSONDict]
    files: dict[str, SentFile]
    chat_actions: list[tuple[int, str]]
    webhook: JSONDict | None
    max_poll_wait: float
    _chats: dict[int, Chat]
    _pending_updates: list[JSONDict]
    _updates_event: asyncio.Event
    _open_queries: dict[str, int]

    now: datetime  # the stand-in's clock
    _new_file: Callable[[str, bytes, str], SentFile]  # a file Telegram now knows

    def _timestamp(self) -> int:
        return int(self.now.timestamp())

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command menu set for (scope, language_code); [] if none."""
        return list(self.my_commands.get((scope_key(scope), language_code), []))

    # -- the bot's side of the chats -------------------------------------------------------

    def bot_json(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _user_json(self, user_id: int) -> JSONDict:
        if user_id == self.bot_id:
            return self.bot_json()
        user = self.users.get(user_id)
        if user is not None:
            return user.to_json()
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}

    def _target_chat(self, params: JSONDict, *, writing: bool = True) -> Chat:
        """The chat of `chat_id`, checking that the bot may write there (when `writing`)."""
        chat_id = chat_id_param(params.get("chat_id"))
        if chat_id < 0:
            chat = self._chats.get(chat_id)
            if chat is None:  # groups the test didn't declare can still be written to
                chat = self._chats[chat_id] = Chat(
                    chat_id, {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
                )
            return chat
        user = self.users.get(chat_id)
        if user is None:
            raise bad_request("chat not found")
        if writing and user.blocked:
            raise ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")
        if writing and not user.started:
            raise ApiError(
                HTTPStatus.FORBIDDEN, "Forbidden: bot can't initiate conversation with a user"
            )
        return self._chats[chat_id]

    def _bot_message(self, chat: Chat, params: JSONDict, *, action: str) -> SentMessage:
        if "inline_message_id" in params:
            raise bad_request_fake("inline_message_id not implemented")
        message_id = _int_param(params, "message_id")
        for message in chat.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        if message_id in chat.user_message_ids:
            raise bad_request(f"message can't be {action}ed")
        raise bad_request(f"message to {action} not found")

    def _bot_is_admin(self, chat_id: int) -> bool:
        return self.members.get((chat_id, self.bot_id)) in ("administrator", "creator")

    def _formatted(
        self, params: JSONDict, key: str, entities_key: str, max_length: int, *, caption: bool
    ) -> tuple[str, list[JSONDict], str]:
        """(plain text, entities, raw text) of a text/caption parameter, validated."""
        raw = params.get(key)
        raw_text = "" if raw is None else str(raw)
        parse_mode = params.get("parse_mode")
        if not parse_mode:
            plain, entities = raw_text, list(params.get(entities_key) or [])
        elif str(parse_mode).lower() == "html":
            try:
                plain, entities = parse_html(raw_text)
            except HTMLParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif str(parse_mode).lower() in ("markdown", "markdownv2"):
            raise bad_request_fake(f"parse_mode {parse_mode} not implemented")
        else:
            raise bad_request("unsupported parse_mode")
        plain, entities = strip_text(plain, entities)
        if not plain and not caption:
            raise bad_request("message text is empty")
        if len(plain) > max_length:
            raise bad_request("message caption is too long" if caption else "message is too long")
        return plain, entities, raw_text

    def _store_message(
        self,
        chat: Chat,
        params: JSONDict,
        plain: str,
        entities: list[JSONDict],
        raw_text: str,
        *,
        document: SentFile | None = None,
        photo: bool = False,
    ) -> SentMessage:
        markup = _markup(params)
        date = self.now
        message = self.message_type(
            chat_id=chat.id,
            message_id=chat.new_message_id(),
            text=plain,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            date=date,
            json={},
            raw_text=raw_text,
            entities=entities,
            document=document,
            photo=photo,
        )
        message.json = self._message_json(chat, message)
        reply_to = _reply_to_message_id(params)
        if reply_to is not None:
            replied = next((m for m in chat.messages if m.message_id == reply_to), None)
            if replied is not None:
                message.json["reply_to_message"] = replied.json
        chat.messages.append(message)
        return message

    def _message_json(
        self, chat: Chat, message: SentMessage, edit_date: int | None = None
    ) -> JSONDict:
        data: JSONDict = {
            "message_id": message.message_id,
            "from": self.bot_json(),
            "chat": chat.json,
            "date": int(message.date.timestamp()),
        }
        if edit_date is not None:
            data["edit_date"] = edit_date
        if message.document is not None:
            if message.photo:
                data["photo"] = [photo_json(message.document)]
            else:
                data["document"] = document_json(message.document)
            if message.text:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = message.entities
        else:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    # -- Bot API methods: one per method, registered with @api("methodName") ---------------

    @api("getMe")
    async def _m_get_me(self, call: ApiCall) -> Any:
        return {
            **self.bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @api("logOut")
    async def _m_log_out(self, call: ApiCall) -> Any:
        return True

    @api("close")
    async def _m_close(self, call: ApiCall) -> Any:
        return True

    @api("setMyCommands")
    async def _m_set_my_commands(self, call: ApiCall) -> Any:
        commands = call.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands must be a list")
        for command in commands:
            name = str(command.get("command", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (scope_key(call.params.get("scope")), str(call.params.get("language_code", "")))
        self.my_commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @api("getMyCommands")
    async def _m_get_my_commands(self, call: ApiCall) -> Any:
        return self.commands(call.params.get("scope"), str(call.params.get("language_code", "")))

    @api("deleteMyCommands")
    async def _m_delete_my_commands(self, call: ApiCall) -> Any:
        key = (scope_key(call.params.get("scope")), str(call.params.get("language_code", "")))
        self.my_commands.pop(key, None)
        return True

    @api("setChatMenuButton")
    async def _m_set_chat_menu_button(self, call: ApiCall) -> Any:
        chat_id = call.params.get("chat_id")
        key = None if chat_id is None else chat_id_param(chat_id)
        self.menu_buttons[key] = call.params.get("menu_button") or {"type": "default"}
        return True

    @api("getChatMenuButton")
    async def _m_get_chat_menu_button(self, call: ApiCall) -> Any:
        chat_id = call.params.get("chat_id")
        key = None if chat_id is None else chat_id_param(chat_id)
        return self.menu_buttons.get(key, self.menu_buttons.get(None, {"type": "commands"}))

    @api("deleteWebhook")
    async def _m_delete_webhook(self, call: ApiCall) -> Any:
        if call.params.get("drop_pending_updates"):
            self._pending_updates.clear()
        self.webhook = None
        return True

    @api("setWebhook")
    async def _m_set_webhook(self, call: ApiCall) -> Any:
        url = str(call.params.get("url", ""))
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = dict(call.params)
        return True

    @api("getWebhookInfo")
    async def _m_get_webhook_info(self, call: ApiCall) -> Any:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending_updates),
        }

    @api("getUpdates")
    async def _m_get_updates(self, call: ApiCall) -> Any:
        offset = call.params.get("offset")
        if offset is not None:
            offset = int(offset)
            if offset < 0:
                self._pending_updates = self._pending_updates[offset:]
            else:
                self._pending_updates = [
                    u for u in self._pending_updates if u["update_id"] >= offset
                ]
        allowed = call.params.get("allowed_updates")
        if allowed:  # Telegram never delivers the other kinds: drop them
            self._pending_updates = [
                u for u in self._pending_updates if any(kind in u for kind in allowed)
            ]
        limit = max(1, min(100, int(call.params.get("limit", 100))))
        wait = min(float(call.params.get("timeout", 0)), self.max_poll_wait)
        if not self._pending_updates and wait > 0:
            self._updates_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_event.wait(), wait)
        return self._pending_updates[:limit]

    @api("sendMessage")
    async def _m_send_message(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        plain, entities, raw = self._formatted(
            call.params, "text", "entities", MAX_TEXT_LENGTH, caption=False
        )
        _check_reply_markup(call.params)
        return self._store_message(chat, call.params, plain, entities, raw).json

    @api("sendDocument")
    async def _m_send_document(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        upload = call.file("document")
        if upload is not None:
            filename, content, mime = upload
            stored = self._new_file(str(call.params.get("filename") or filename), content, mime)
        else:
            reference = call.params.get("document")
            known = self.files.get(str(reference))
            if known is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            stored = known
        plain, entities, raw = self._formatted(
            call.params, "caption", "caption_entities", MAX_CAPTION_LENGTH, caption=True
        )
        _check_reply_markup(call.params)
        return self._store_message(chat, call.params, plain, entities, raw, document=stored).json

    @api("sendPhoto")
    async def _m_send_photo(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        upload = call.file("photo")
        if upload is not None:
            filename, content, mime = upload
            if not content.startswith(b"\x89PNG") and not content.startswith(b"\xff\xd8"):
                raise bad_request("IMAGE_PROCESS_FAILED")
            stored = self._new_file(filename, content, mime)
        else:  # a photo Telegram already has, sent again by its file_id
            known = self.files.get(str(call.params.get("photo")))
            if known is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            stored = known
        plain, entities, raw = self._formatted(
            call.params, "caption", "caption_entities", MAX_CAPTION_LENGTH, caption=True
        )
        _check_reply_markup(call.params)
        return self._store_message(
            chat, call.params, plain, entities, raw, document=stored, photo=True
        ).json

    @api("getFile")
    async def _m_get_file(self, call: ApiCall) -> Any:
        stored = self.files.get(str(call.params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    @api("editMessageText")
    async def _m_edit_message_text(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        message = self._bot_message(chat, call.params, action="edit")
        if message.document is not None:
            raise bad_request("there is no text in the message to edit")
        plain, entities, raw = self._formatted(
            call.params, "text", "entities", MAX_TEXT_LENGTH, caption=False
        )
        _check_reply_markup(call.params)
        markup = _markup(call.params)  # no reply_markup: Telegram removes the inline keyboard
        if (plain, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.edits.append(message.text)
        message.text, message.entities, message.raw_text = plain, entities, raw
        message.parse_mode = call.params.get("parse_mode")
        message.reply_markup = markup
        message.json = self._message_json(chat, message, edit_date=self._timestamp())
        return message.json

    @api("editMessageReplyMarkup")
    async def _m_edit_message_reply_markup(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        message = self._bot_message(chat, call.params, action="edit")
        _check_reply_markup(call.params)
        markup = _markup(call.params)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        message.json = self._message_json(chat, message, edit_date=self._timestamp())
        return message.json

    @api("deleteMessage")
    async def _m_delete_message(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params, writing=False)
        message_id = _int_param(call.params, "message_id")
        if message_id in chat.user_message_ids and (chat.is_private or self._bot_is_admin(chat.id)):
            chat.user_message_ids.discard(message_id)  # bots may delete incoming private messages
            return True
        self._bot_message(chat, call.params, action="delete").deleted = True
        return True

    @api("answerCallbackQuery")
    async def _m_answer_callback_query(self, call: ApiCall) -> Any:
        query_id = str(call.params.get("callback_query_id"))
        user_id = self._open_queries.pop(query_id, None)
        if user_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = call.params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers.append(
            {
                "user_id": user_id,
                "callback_query_id": query_id,
                "text": text,
                "show_alert": bool(call.params.get("show_alert", False)),
                "url": call.params.get("url"),
            }
        )
        return True

    @api("sendChatAction")
    async def _m_send_chat_action(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        self.chat_actions.append((chat.id, str(call.params.get("action"))))
        return True

    @api("getChat")
    async def _m_get_chat(self, call: ApiCall) -> Any:
        chat_id = chat_id_param(call.params.get("chat_id"))
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return {
            **chat.json,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    @api("getChatMember")
    async def _m_get_chat_member(self, call: ApiCall) -> Any:
        chat_id = chat_id_param(call.params.get("chat_id"))
        user_id = _int_param(call.params, "user_id")
        if chat_id > 0 and chat_id not in self._chats:
            raise bad_request("chat not found")
        status = self.members.get((chat_id, user_id), "left")
        return chat_member_json(status, self._user_json(user_id))


def chat_id_param(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        raise bad_request("chat_id is empty")
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise bad_request("chat not found") from None


def _int_param(params: JSONDict, key: str) -> int:
    value = params.get(key)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise bad_request(f"{key} is required") from None


def scope_key(scope: JSONDict | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _markup(params: JSONDict) -> JSONDict | None:
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) else None


def _reply_to_message_id(params: JSONDict) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and "message_id" in reply:
        return int(reply["message_id"])
    if "reply_to_message_id" in params:
        return int(params["reply_to_message_id"])
    return None


def _iter_buttons(rows: Any) -> Iterator[Any]:
    if not isinstance(rows, list):
        raise bad_request("keyboard must be an array of arrays")
    for row in rows:
        if not isinstance(row, list):
            raise bad_request("keyboard must be an array of arrays")
        yield from row


def _check_reply_markup(params: JSONDict) -> None:
    markup = params.get("reply_markup")
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for button in _iter_buttons(markup["inline_keyboard"]):
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            if not any(action in button for action in _INLINE_BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if "callback_data" in button and (
                not isinstance(data, str)
                or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not button["url"]:
                raise bad_request("BUTTON_URL_INVALID")
    elif "keyboard" in markup:
        for button in _iter_buttons(markup["keyboard"]):
            text = button if isinstance(button, str) else button.get("text", "")
            if not str(text).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
    elif "remove_keyboard" not in markup and "force_reply" not in markup:
        raise bad_request("can't parse reply keyboard markup JSON object")
