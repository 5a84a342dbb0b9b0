"""Tests of the fake Bot API (tests/fakebot.py), driven by a tiny throwaway PTB Application."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebot import FakeBotAPI, HTMLParseError, parse_html

App = Application[Any, Any, Any, Any, Any, Any]
Ctx = ContextTypes.DEFAULT_TYPE


# --------------------------------------------------------------------------------------------
# The throwaway bot
# --------------------------------------------------------------------------------------------


def _caught(context: Ctx) -> list[Exception]:
    caught: list[Exception] = context.bot_data.setdefault("caught", [])
    return caught


async def start(update: Update, context: Ctx) -> None:
    assert update.effective_message and update.effective_user
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Oui", callback_data="yes"),
                InlineKeyboardButton("Non", callback_data="no"),
            ]
        ]
    )
    await update.effective_message.reply_text(
        f"Bonjour {update.effective_user.first_name} !", reply_markup=keyboard
    )


async def share(update: Update, context: Ctx) -> None:
    assert update.effective_message
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton("📍 Ma position", request_location=True)],
            [KeyboardButton("📞 Mon numéro", request_contact=True)],
        ],
        resize_keyboard=True,
    )
    await update.effective_message.reply_text("Partagez :", reply_markup=keyboard)


async def on_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("ok")
    await query.edit_message_text(f"Vous avez choisi {query.data}")


async def on_location(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message and message.location
    where = f"{message.location.latitude:.4f},{message.location.longitude:.4f}"
    await message.reply_text(f"Position {where}", reply_markup=ReplyKeyboardRemove())


async def on_contact(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message and message.contact and message.from_user
    whose = "vous" if message.contact.user_id == message.from_user.id else "autre"
    await message.reply_text(f"Contact {message.contact.phone_number} ({whose})")


async def bad_html(update: Update, context: Ctx) -> None:
    assert update.effective_message
    try:
        await update.effective_message.reply_text("<foo>x</foo>", parse_mode=ParseMode.HTML)
    except BadRequest as exc:
        _caught(context).append(exc)
        await update.effective_message.reply_text("erreur")


async def long_data(update: Update, context: Ctx) -> None:
    assert update.effective_message
    button = InlineKeyboardButton("Trop long", callback_data="x" * 65)
    try:
        await update.effective_message.reply_text(
            "clavier", reply_markup=InlineKeyboardMarkup([[button]])
        )
    except BadRequest as exc:
        _caught(context).append(exc)


async def export(update: Update, context: Ctx) -> None:
    assert update.effective_message
    await update.effective_message.reply_document(
        b"id;name\n1;Alice\n", filename="export.csv", caption="<b>Export</b>", parse_mode="HTML"
    )


async def echo(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message and message.text
    await message.reply_text(
        f"Vous avez dit : <b>{html.escape(message.text)}</b>", parse_mode=ParseMode.HTML
    )


async def on_edit(update: Update, context: Ctx) -> None:
    assert update.edited_message and update.edited_message.text
    await update.edited_message.reply_text(f"Modifié : {update.edited_message.text}")


async def on_document(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message and message.document
    file = await message.document.get_file()
    content = await file.download_as_bytearray()
    await message.reply_text(f"{message.document.file_name}: {len(content)} octets")


async def on_other(update: Update, context: Ctx) -> None:
    assert update.effective_message
    await update.effective_message.reply_text("Je ne comprends que le texte.")


def build_app(fake: FakeBotAPI, base_url: str | None = None) -> App:
    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(base_url or f"{fake.api_url}/bot{{token}}")
        .base_file_url(f"{fake.api_url}/file/bot{{token}}")
        .request(fake)
        .get_updates_request(fake)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("partager", share))
    app.add_handler(CommandHandler("bad", bad_html))
    app.add_handler(CommandHandler("long", long_data))
    app.add_handler(CommandHandler("export", export))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
    app.add_handler(MessageHandler(filters.CONTACT, on_contact))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(~filters.COMMAND, on_other))
    return app


@pytest.fixture
async def env() -> AsyncIterator[tuple[FakeBotAPI, App]]:
    fake = FakeBotAPI()
    app = build_app(fake)
    fake.attach(app)
    async with app:
        yield fake, app


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------


async def test_start_inline_keyboard_and_callback_edit(env: tuple[FakeBotAPI, App]) -> None:
    fake, _ = env
    alice = fake.user(1, "Alice")
    update = await alice.command("start")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert alice.started
    message = alice.last()
    assert message.text == "Bonjour Alice !"
    assert alice.buttons() == ["Oui", "Non"]
    assert message.json["from"]["id"] == fake.bot_id
    assert message.json["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"

    await alice.press("Oui")
    assert message.text == "Vous avez choisi yes"
    assert message.edits == ["Bonjour Alice !"]
    assert message.reply_markup is None  # editMessageText without markup drops the keyboard
    assert "edit_date" in message.json
    assert alice.callback_answers() == [
        {"callback_query_id": "1", "text": "ok", "show_alert": False, "url": None}
    ]
    assert [name for name, _ in fake.calls] == [
        "getMe",
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
    ]
    assert all(url.startswith("https://api.telegram.org/bot123456:TEST/") for url in fake.urls)
    assert fake.errors == []
    assert fake.exceptions == []


async def test_press_unknown_button_lists_available(env: tuple[FakeBotAPI, App]) -> None:
    fake, _ = env
    alice = fake.user(1, "Alice")
    await alice.command("start")
    with pytest.raises(AssertionError, match=r"(?i)Oui"):
        await alice.press("Peut-être")


async def test_stale_button_edit_not_modified(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    alice = fake.user(1, "Alice")
    await alice.command("start")
    message = alice.last()
    await alice.press("Oui")
    # an old button pressed again (forged data on the same message): same text -> not modified
    await alice.press_data("yes", message=message)
    assert [str(e) for e in fake.take_errors()] == [
        "editMessageText: 400 Bad Request: message is not modified: specified new message "
        "content and reply markup are exactly the same as a current content and reply markup "
        "of the message"
    ]
    [exception] = fake.exceptions  # the handler's edit raised; recorded by attach()'s handler
    assert isinstance(exception, BadRequest)
    assert exception.message.startswith("Message is not modified")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await app.bot.answer_callback_query("1")  # already answered
    fake.take_errors()


async def test_location_contact_and_reply_keyboard(env: tuple[FakeBotAPI, App]) -> None:
    fake, _ = env
    bob = fake.user(2, "Bob", last_name="Martin", username="bobm")
    await bob.command("partager")
    assert bob.reply_keyboard() == [
        {"text": "📍 Ma position", "request_location": True, "request_contact": False},
        {"text": "📞 Mon numéro", "request_location": False, "request_contact": True},
    ]
    assert bob.last().json.get("reply_markup") is None  # reply keyboards aren't echoed back
    await bob.send_location(44.4475, 1.4419)
    assert bob.last().text == "Position 44.4475,1.4419"
    assert bob.reply_keyboard() is None  # removed
    await bob.send_contact("+33600000000")
    assert bob.last().text == "Contact +33600000000 (vous)"
    await bob.send_contact("+33611111111", own=False, first_name="Mamie")
    assert bob.last().text == "Contact +33611111111 (autre)"
    assert fake.errors == []


async def test_html_escaped_user_text(env: tuple[FakeBotAPI, App]) -> None:
    fake, _ = env
    alice = fake.user(1, "Alice")
    mark = alice.mark()
    await alice.send("  <script> & 😀 ")
    message = alice.last()
    assert message.raw_text == "Vous avez dit : <b>  &lt;script&gt; &amp; 😀 </b>"
    assert message.text == "Vous avez dit :   <script> & 😀"  # unescaped, trimmed
    assert message.json["text"] == message.text
    # "Vous avez dit : " is 16 UTF-16 units; "  <script> & 😀" is 15 (the emoji counts 2)
    assert message.entities == [{"type": "bold", "offset": 16, "length": 15}]
    assert alice.texts_since(mark) == [message.text]
    await alice.send("deux")
    assert alice.texts_since(mark + 1) == ["Vous avez dit : deux"]
    await alice.send("x" * 5000)  # split in two messages by the app, like Telegram's apps
    # echoing the first 4096 characters with a prefix is too long for Telegram
    assert [len(t) for t in alice.texts_since(mark + 2)] == [16 + 904]
    assert [str(e) for e in fake.take_errors()] == [
        "sendMessage: 400 Bad Request: message is too long"
    ]
    assert [type(e) for e in fake.exceptions] == [BadRequest]
    assert fake.errors == []


async def test_other_content_and_edits(env: tuple[FakeBotAPI, App]) -> None:
    fake, _ = env
    alice = fake.user(1, "Alice")
    mark = alice.mark()
    await alice.send_sticker()
    await alice.send_photo()
    await alice.send_voice()
    await alice.send_document("note.pdf", b"12345")
    sent = await alice.send("avant")
    await alice.edit(sent, "après")
    assert alice.texts_since(mark) == [
        "Je ne comprends que le texte.",
        "Je ne comprends que le texte.",
        "Je ne comprends que le texte.",
        "note.pdf: 5 octets",
        "Vous avez dit : avant",
        "Modifié : après",
    ]
    ids = [m.message_id for m in alice.messages()]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert fake.errors == []


# --------------------------------------------------------------------------------------------
# Realism checks
# --------------------------------------------------------------------------------------------


async def test_bad_html_raises_bad_request(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    alice = fake.user(1, "Alice")
    await alice.command("bad")
    [caught] = app.bot_data["caught"]
    assert isinstance(caught, BadRequest)
    # PTB strips "Bad Request: " and capitalizes: "Can't parse entities: unsupported start tag..."
    assert caught.message.startswith("Can't parse entities")
    assert alice.last().text == "erreur"
    [error] = fake.take_errors()
    assert error.method == "sendMessage" and error.status == 400
    assert error.description.startswith(
        'Bad Request: can\'t parse entities: Unsupported start tag "foo"'
    )


async def test_callback_data_too_long(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    alice = fake.user(1, "Alice")
    await alice.command("long")
    [caught] = app.bot_data["caught"]
    assert caught.message == "Button_data_invalid"  # PTB's rendering of "Bad Request: BUTTON_..."
    assert alice.messages() == []
    assert [e.description for e in fake.take_errors()] == ["Bad Request: BUTTON_DATA_INVALID"]


async def test_text_and_button_checks(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    alice = fake.user(1, "Alice")
    await alice.send("hello")
    bot = app.bot
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(alice.id, "   ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(alice.id, "x" * 4097)
    await bot.send_message(alice.id, "é" * 4096)  # characters, not bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_TEXT_INVALID"):
        await bot.send_message(
            alice.id,
            "a",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("", callback_data="a")]]),
        )
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await bot.send_message(
            alice.id, "a", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a")]])
        )
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(alice.id, "a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)fake: parse_mode MarkdownV2 not implemented"):
        await bot.send_message(alice.id, "*a*", parse_mode="MarkdownV2")
    assert len(fake.take_errors()) == 6
    # reply_markup given as a JSON string (api_kwargs) is decoded like Telegram does
    message = await bot.send_message(
        alice.id,
        "json",
        api_kwargs={"reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'},
    )
    assert message.reply_markup is not None
    assert alice.buttons() == ["A"]
    assert fake.errors == []


async def test_edit_and_delete_checks(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    bot = app.bot
    alice = fake.user(1, "Alice")
    sent = await alice.send("coucou")
    user_message_id = sent["message"]["message_id"]
    reply = alice.last()
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=user_message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(alice.id, 999)
    assert len(fake.take_errors()) == 3

    await bot.edit_message_reply_markup(
        alice.id,
        reply.message_id,
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("B", callback_data="b")]]),
    )
    assert alice.buttons() == ["B"]
    assert reply.text == "Vous avez dit : coucou" and reply.edits == []
    assert await bot.delete_message(alice.id, user_message_id)  # incoming private message: ok
    assert await bot.delete_message(alice.id, reply.message_id)
    assert reply.deleted and alice.messages() == []
    assert alice.messages(include_deleted=True) == [reply]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=reply.message_id)
    assert len(fake.take_errors()) == 1


async def test_private_chat_permissions(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    bot = app.bot
    carol = fake.user(3, "Carol")
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await bot.send_message(carol.id, "hello")
    dave = fake.user(4, "Dave")
    await dave.command("start")
    dave.blocked = True
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(dave.id, "hello")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hello")
    await bot.send_message(-1001, "groups are always writable")
    await bot.send_chat_action(-1001, "typing")
    assert [e.status for e in fake.take_errors()] == [403, 403, 400]
    await dave.send("me revoilà")  # writing to the bot unblocks it
    assert not dave.blocked and dave.last().text == "Vous avez dit : me revoilà"


async def test_wrong_base_url_is_recorded() -> None:
    fake = FakeBotAPI()
    app = build_app(fake, base_url="https://api.example.org/bot{token}")
    with pytest.raises(InvalidToken):
        await app.initialize()
    await app.shutdown()
    [error] = fake.errors
    assert error.status == 404
    assert error.method == "https://api.example.org/bot123456:TEST/getMe"


async def test_custom_api_url_and_restart() -> None:
    fake = FakeBotAPI(api_url="http://127.0.0.1:8081", token="42:ABC")
    app = fake.builder().build()
    async with app:
        assert app.bot.username == "mobilot_test_bot"
    assert fake.urls == ["http://127.0.0.1:8081/bot42:ABC/getMe"]
    with pytest.raises(NetworkError, match="shut down"):
        await app.bot.send_message(1, "after shutdown")
    assert [e.description for e in fake.take_errors()] == ["fake: request after shutdown"]
    second = fake.builder().build()  # a restarted bot on the same fake
    async with second:
        assert second.bot.id == fake.bot_id
    assert fake.errors == []


async def test_unimplemented_method(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    with pytest.raises(BadRequest, match=r"(?i)fake: method sendPoll not implemented"):
        await app.bot.send_poll(-100, "?", ["a", "b"])
    assert [e.method for e in fake.take_errors()] == ["sendPoll"]


# --------------------------------------------------------------------------------------------
# Other methods
# --------------------------------------------------------------------------------------------


async def test_commands_menu_and_chat_info(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    bot = app.bot
    await bot.set_my_commands([BotCommand("aide", "Aide")], language_code="fr")
    await bot.set_my_commands(
        [BotCommand("help", "Help")], scope=BotCommandScopeDefault(), language_code="en"
    )
    await bot.set_my_commands([BotCommand("stats", "Stats")], scope=BotCommandScopeChat(-1001))
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert fake.command_names(language_code="fr") == ["aide"]
    assert fake.command_names(language_code="en") == ["help"]
    assert fake.commands({"type": "chat", "chat_id": -1001}) == [
        {"command": "stats", "description": "Stats"}
    ]
    assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["help"]
    await bot.delete_my_commands(language_code="en")
    assert fake.commands(language_code="en") == []
    assert fake.menu_buttons == {None: {"type": "commands"}}
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Aide", "Aide")])
    fake.take_errors()

    alice = fake.user(1, "Alice", username="alice")
    ops = fake.group(-1001, "Opérateurs")
    fake.set_member(ops.id, alice.id, "administrator")
    assert (await bot.get_chat_member(ops.id, alice.id)).status == ChatMemberStatus.ADMINISTRATOR
    assert (await bot.get_chat_member(ops.id, 77)).status == ChatMemberStatus.LEFT
    for status in ("creator", "member", "restricted", "kicked"):
        fake.set_member(ops.id, alice.id, status)
        assert (await bot.get_chat_member(ops.id, alice.id)).status == status
    chat = await bot.get_chat(alice.id)
    assert (chat.type, chat.username) == ("private", "alice")
    assert (await bot.get_chat(ops.id)).title == "Opérateurs"
    assert fake.errors == []


async def test_send_document(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    alice = fake.user(1, "Alice")
    await alice.command("export")
    message = alice.last()
    assert message.document is not None
    assert (message.document.filename, message.document.content) == (
        "export.csv",
        b"id;name\n1;Alice\n",
    )
    assert message.document.mime_type == "text/csv"
    assert message.text == "Export"
    assert message.json["caption_entities"] == [{"type": "bold", "offset": 0, "length": 6}]
    # sending it again by file_id reuses the stored file
    again = await app.bot.send_document(alice.id, message.document.file_id)
    assert again.document is not None and again.document.file_name == "export.csv"
    assert fake.errors == []


async def test_group_privacy_and_buttons(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    alice = fake.user(1, "Alice")
    ops = fake.group(-1001, "Opérateurs")
    await ops.send(alice, "bonjour tout le monde")  # privacy mode: not delivered
    assert ops.messages() == []
    await ops.command(alice, "start@other_bot")  # addressed to another bot
    assert ops.messages() == []
    await ops.command(alice, "start@mobilot_test_bot")
    assert ops.last().text == "Bonjour Alice !"
    await ops.press(alice, "Non")
    assert ops.last().text == "Vous avez choisi no"
    await ops.send(alice, "une réponse", reply_to=ops.last())  # replies to the bot are seen
    assert ops.last().text == "Vous avez dit : une réponse"
    assert not alice.started  # writing in a group doesn't start the private chat
    with pytest.raises(Forbidden):
        await app.bot.send_message(alice.id, "hello")
    fake.take_errors()


# --------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------


async def test_polling_mode(env: tuple[FakeBotAPI, App]) -> None:
    fake, app = env
    fake.deliver = "polling"
    alice = fake.user(1, "Alice")
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(drop_pending_updates=True)
    try:
        await alice.command("start")
        await fake.settle()
        assert alice.last().text == "Bonjour Alice !"
        await alice.press("Oui")
        await alice.send("et ensuite")
        await fake.settle()
        assert alice.texts_since(0) == ["Vous avez choisi yes", "Vous avez dit : et ensuite"]
    finally:
        await app.updater.stop()
        await app.stop()
    offsets = [p.get("offset") for p in fake.calls_to("getUpdates")]
    assert max(o for o in offsets if o is not None) == 4  # 3 updates confirmed
    assert fake.errors == []


async def test_settle_times_out_without_polling(env: tuple[FakeBotAPI, App]) -> None:
    fake, _ = env
    fake.deliver = "polling"
    alice = fake.user(1, "Alice")
    await alice.command("start")
    with pytest.raises(TimeoutError, match=r"(?i)getUpdates"):
        await fake.settle(timeout=0.1)


# --------------------------------------------------------------------------------------------
# The HTML parser
# --------------------------------------------------------------------------------------------


def test_parse_html_entities() -> None:
    text, entities = parse_html(
        '<b>gras <i>ital</i></b> <a href="https://x.fr/?a=1&amp;b=2">lien</a> '
        '<pre><code class="language-python">x=1</code></pre> <span class="tg-spoiler">s</span> '
        "<blockquote expandable>q</blockquote> &lt;&#233;&#x41;&quot;&gt;"
    )
    assert text == 'gras ital lien x=1 s q <éA">'
    assert entities == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
        {"type": "text_link", "offset": 10, "length": 4, "url": "https://x.fr/?a=1&b=2"},
        {"type": "pre", "offset": 15, "length": 3, "language": "python"},
        {"type": "spoiler", "offset": 19, "length": 1},
        {"type": "expandable_blockquote", "offset": 21, "length": 1},
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("é < 3", 'Unsupported start tag "" at byte offset 3'),
        ("A & B", "Character entity expected at byte offset 2"),
        ("&nbsp;", "Character entity expected at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ],
)
def test_parse_html_errors(source: str, error: str) -> None:
    with pytest.raises(HTMLParseError) as info:
        parse_html(source)
    assert str(info.value) == error
