"""A person's data: /mesdonnees (/mydata), the question to people inactive for long, and the
team's side of it (erasing someone who phoned with /oublier <phone>, confirming a caller
agreed). A person's own /oublier (/forgetme) is a conversation of the core:
bot/conversations/forget.py; the consents asked in conversations are theirs too.

The decisions are the core's (bot/services/consents.py, bot/services/privacy.py); this module
asks, words and sends.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InputFile, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.phones import show_phone
from bot.services.privacy import ForgetResult, PersonalData
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import IncompleteUpdate, answer_button, edit, send
from handlers.roles import OperatorDirectory
from handlers.team_views import SUMMARY_SECTIONS
from handlers.teams import Teams
from i18n import Html, Translator

Context = ContextTypes.DEFAULT_TYPE

PRIVACY = kb.PRIVACY  # the callback-data kind of this module's buttons
# The summary's lines, in this order; a section another feature adds gets a line of its own.
# Sections said in words of their own, not counted.
WORDED_SECTIONS = frozenset({"sms_channel"})


# /mesdonnees, /oublier, and the question to people inactive for long.


class PrivacyHandlers:
    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.teams = Teams(deps, directory)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        private = filters.ChatType.PRIVATE
        typed = private & filters.UpdateType.MESSAGE
        return [
            CommandHandler(["mesdonnees", "mydata"], self.my_data, filters=private),
            CommandHandler(["oublier", "forgetme"], self.forget_me, filters=typed),
            CallbackQueryHandler(self.on_button, pattern=kb.pattern(PRIVACY)),
        ]

    async def my_data(self, update: Update, context: Context) -> None:
        """/mesdonnees; an operator may add the phone number of someone the team registered
        (/mesdonnees 06 12 34 56 78) to hand it over to them."""
        user = update.effective_user
        if user is None:
            raise IncompleteUpdate("a command without its sender")
        typed = " ".join(context.args or [])
        if typed and await self.directory.is_operator(update.get_bot(), user.id):
            await self._caller_data(update, context, typed)
            return
        data = await self.deps.privacy.export_for_telegram(user.id)
        if data is None:
            # Nothing kept (never came, or just forgotten): said, and nobody made up.
            lang = (user.language_code or "")[:2] or None  # their app's, if we speak it
            await send(update, context, self.t(lang, "privacy.mydata_nothing"))
            return
        await self._send_data(update, context, data, data.person.language)

    async def _caller_data(self, update: Update, context: Context, typed: str) -> None:
        data = await self.deps.privacy.export_for_caller(typed)
        lang = self.deps.settings.default_language
        if data is None:
            await send(update, context, self.t(lang, "privacy.caller_not_found", phone=typed))
            return
        if not await self.teams.may_see_person(update, data.person.id, lang):
            return  # another territory's person: its team's alone
        await self._send_data(update, context, data, lang)

    async def _send_data(
        self, update: Update, context: Context, data: PersonalData, lang: str
    ) -> None:
        # In the name of the person's service (their territory's, once known).
        named = await self.deps.named(data.person.id)
        await send(update, context, my_data_summary(named, lang, data))
        stamp = self.deps.today().isoformat()
        name = self.t(lang, "privacy.file_name", date=stamp)
        chat = update.effective_chat
        if chat is None:
            raise IncompleteUpdate("a command without its chat")
        await context.bot.send_document(
            chat.id, InputFile(data.as_json(), filename=name), caption=name
        )

    async def forget_me(self, update: Update, context: Context) -> None:
        """/oublier 06 12 34 56 78 by the team: someone the team registered, erased at their
        request (confirmed with a button). A person's own /oublier is a conversation of the
        core (bot/conversations/forget.py), taken before this handler."""
        user = update.effective_user
        if user is None:
            raise IncompleteUpdate("a command without its sender")
        typed = " ".join(context.args or [])
        if typed and await self.directory.is_operator(update.get_bot(), user.id):
            await self._caller_to_forget(update, context, typed)

    async def _caller_to_forget(self, update: Update, context: Context, typed: str) -> None:
        found = await self.deps.privacy.registered_by_phone(typed)
        lang = self.deps.settings.default_language
        if found.person is None:
            await send(update, context, self.t(lang, "privacy.caller_not_found", phone=typed))
            return
        person = found.person
        if not await self.teams.may_see_person(update, person.id, lang):
            return
        markup = kb.inline(
            [
                (
                    self.t(lang, "privacy.button_forget_caller"),
                    kb.encode(PRIVACY, "caller", person.id),
                )
            ],
            [(self.t(lang, "privacy.button_keep"), kb.encode(PRIVACY, "forget", "no"))],
        )
        text = self.t(
            lang,
            "privacy.caller_confirm",
            name=person.display_name,
            phone=show_phone(person.phone),
        )
        await send(update, context, text, markup)

    async def on_button(self, update: Update, context: Context) -> None:
        pressed = kb.PRIVACY.read(update.callback_query.data if update.callback_query else None)
        action = pressed.action if pressed else None
        subject = pressed.subject if pressed else None
        if pressed and action == "forget" and pressed.value == "yes" and pressed.person is not None:
            await self._forget(update, context, pressed.person)
        elif action == "forget":
            await self._kept(update, context)
        elif action == "caller" and subject is not None:
            await self._forget_caller(update, context, subject)
        elif action == "stay" and subject is not None:
            await self._stay(update, context, subject)
        else:
            await answer_button(update, self.t(None, "common.old_button"))

    async def _kept(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        await answer_button(update)
        await edit(update, self.t(person.language, "privacy.forget_cancelled"))

    async def _forget(self, update: Update, context: Context, person_id: int) -> None:
        """ "Go" under the question to people inactive for long; and the confirmation of
        /oublier as it was before it became a conversation (its buttons stay in chats)."""
        person = await self.deps.person(update)
        if person.id != person_id:  # pressed again once forgotten, or someone else's button
            await answer_button(update, self.t(person.language, "common.old_button"))
            return
        await answer_button(update)
        named = await self.deps.named(person.id)  # their territory is erased with them
        forgotten = await self.deps.privacy.forget(person)
        # The drafts in memory go too (the rows on disk are gone already).
        if context.user_data is not None:
            context.user_data.clear()
        await edit(update, named(person.language, "privacy.forgotten"))
        await self.notifier.write(context, forgotten.notices)

    async def _forget_caller(self, update: Update, context: Context, person_id: int) -> None:
        user = update.effective_user
        if user is None:
            raise IncompleteUpdate("a command without its sender")
        lang = self.deps.settings.default_language
        if not await self.directory.is_operator(update.get_bot(), user.id):
            await answer_button(update, self.t(lang, "operators.only"))
            return
        if not await self.teams.may_see_person(update, person_id, lang):
            return
        operator = await self.deps.person(update)
        forgotten = await self.deps.privacy.forget_for_caller(operator, person_id)
        if forgotten.result is not ForgetResult.DONE or forgotten.person is None:
            key = (
                "privacy.caller_has_telegram"
                if forgotten.result is ForgetResult.HAS_TELEGRAM
                else "privacy.caller_gone"
            )
            await answer_button(update, self.t(lang, key))
            return
        await answer_button(update)
        await edit(
            update, self.t(lang, "privacy.caller_forgotten", name=forgotten.person.display_name)
        )
        await self.notifier.write(context, forgotten.notices)

    async def _stay(self, update: Update, context: Context, person_id: int) -> None:
        """Pressed by the person (writing to the bot is staying), or by the team for someone
        who has no Telegram."""
        person = await self.deps.person(update)
        if person.id == person_id:
            await answer_button(update)
            await edit(update, self.t(person.language, "privacy.stayed"))
            return
        lang = self.deps.settings.default_language
        if not self.directory.in_group(update) or not await self.directory.is_operator(
            update.get_bot(), person.telegram_user_id or 0
        ):
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        if not await self.teams.may_see_person(update, person_id, lang):
            return
        stays = await self.deps.privacy.stays(person, person_id)
        await answer_button(update)
        if stays is not None:
            await edit(update, self.t(lang, "privacy.caller_stays", name=stays.display_name))


def my_data_summary(t: Translator, lang: str, data: PersonalData) -> str:
    """What Mobilot keeps about the person, in a few lines; the file holds the detail."""
    person = data.person
    counts = data.counts()
    if person.phone:
        key = "privacy.phone_shown" if person.phone_visible else "privacy.phone_hidden"
        phone = t(lang, key, phone=show_phone(person.phone))
    else:
        phone = t(lang, "privacy.phone_none")
    texted = sms_channel_lines(t, lang, data)
    if texted:
        phone = Html(f"{phone}\n{texted}")
    username = f" (@{person.telegram_username})" if person.telegram_username else ""
    lines = [
        t(lang, f"privacy.count.{section}", count=counts[section])
        for section in SUMMARY_SECTIONS
        if section in counts
    ]
    lines += [
        t(lang, "privacy.count.other", section=section, count=count)
        for section, count in counts.items()
        if section not in SUMMARY_SECTIONS and section not in WORDED_SECTIONS
    ]
    consents = data.sections.get("consents", [])
    agreed = (
        t(
            lang,
            "privacy.last_consent",
            version=consents[-1]["version"],
            date=t.date(lang, _moment(consents[-1]["given_at"]).date()),
        )
        if consents
        else t(lang, "privacy.no_consent")
    )
    return t(
        lang,
        "privacy.mydata_summary",
        name=person.display_name + username,
        phone=Html(phone),
        since=t.date(lang, person.created_at.date()),
        lines=Html("\n".join(lines)),
        consent=Html(agreed),
    )


def sms_channel_lines(t: Translator, lang: str, data: PersonalData) -> str:
    """What is kept about their SMS channel, in plain words: since when Mobilot texts them,
    who they gave their consent to, when they texted STOP."""
    lines = []
    for channel in data.sections.get("sms_channel", []):
        if channel.get("since"):
            date = t.date(lang, _moment(channel["since"]).date())
            if channel.get("consent_given_to_the_team"):
                given_to = channel.get("consent_given_to") or t(lang, "smsteam.someone")
                lines.append(t(lang, "smsteam.mydata_sms_team", date=date, operator=given_to))
            else:
                lines.append(t(lang, "smsteam.mydata_sms_self", date=date))
        if channel.get("stopped_at"):
            date = t.date(lang, _moment(channel["stopped_at"]).date())
            lines.append(t(lang, "smsteam.mydata_sms_stopped", date=date))
    return "\n".join(lines)


def _moment(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
