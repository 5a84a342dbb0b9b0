"""The team's side of texting (issue 21): /sms <number> [non] gives someone the team
registered by phone an SMS channel, with their consent recorded under the team member's
name ("non" withdraws it). What it does is the core's (bot/services/texts.py,
`TextService.set_by_team`); this module reads the command and words the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.phones import show_phone
from bot.services.texts import TeamSms, TeamSmsResult, TextBudget, TextMonth
from bot.territories import Territories
from handlers.deps import Deps
from handlers.replies import send
from handlers.teams import Teams
from i18n import Translator

if TYPE_CHECKING:  # handlers/operators.py shows this module's figures in /stats
    from handlers.notify import Notifier
    from handlers.roles import OperatorDirectory

Context = ContextTypes.DEFAULT_TYPE

# The last word of /sms that withdraws the consent, or says it again.
NO_WORDS = frozenset({"non", "no", "stop"})
YES_WORDS = frozenset({"oui", "yes", "ok"})

# The team's answer to /sms, by what it did.
ANSWERS = {
    TeamSms.REACHED: "smsteam.reached",
    TeamSms.WITHDRAWN: "smsteam.withdrawn",
    TeamSms.ALREADY: "smsteam.already",
    TeamSms.NOT_TEXTED: "smsteam.not_texted",
    TeamSms.NOT_A_PHONE: "smsteam.not_a_phone",
    TeamSms.NOT_A_MOBILE: "smsteam.not_a_mobile",
    TeamSms.NOT_FOUND: "smsteam.not_found",
    TeamSms.ON_TELEGRAM: "smsteam.on_telegram",
    TeamSms.STOPPED: "qafix.sms_stopped",
}


def read_sms_command(args: list[str]) -> tuple[str, bool]:
    """ "06 12 34 56 78 non" → ("06 12 34 56 78", False): the number, and whether the
    person agrees."""
    words = list(args)
    agreed = True
    if words and words[-1].strip(" .!").lower() in NO_WORDS | YES_WORDS:
        agreed = words.pop().strip(" .!").lower() in YES_WORDS
    return " ".join(words), agreed


class SmsTeamHandlers:
    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.teams = Teams(deps, directory)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [CommandHandler("sms", self.sms)]

    async def sms(self, update: Update, context: Context) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        team_lang = self.deps.settings.default_language
        if not await self.directory.is_operator(update.get_bot(), user.id):
            person = await self.deps.people.find_by_telegram_id(user.id)
            await send(
                update, context, self.t(person.language if person else None, "operators.only")
            )
            return
        operator = await self.deps.person(update)
        lang = operator.language if chat.type == chat.PRIVATE else team_lang
        texts = self.deps.texts
        if texts is None:
            await send(update, context, self.t(lang, "smsteam.not_set_up"))
            return
        typed, agreed = read_sms_command(context.args or [])
        if not typed:
            await send(update, context, self.t(lang, "smsteam.usage"))
            return
        if not await self.teams.may_see_caller(update, typed, lang):
            return  # another territory's caller: their team records their consent
        done = await texts.set_by_team(operator, typed, agreed)
        number = self.deps.settings.sms_number or ""
        brand = self.deps.texting.brand if self.deps.texting is not None else None
        if done.person is not None and brand is not None:
            # The number their texts leave from: their territory's own, when it has one.
            number = show_phone(await brand.sender_of(done.person.id)) or number
        await send(update, context, self._answer(lang, done, typed, operator.display_name, number))
        await self.notifier.write(context, done.notices)

    def _answer(
        self, lang: str, done: TeamSmsResult, typed: str, operator: str, number: str
    ) -> str:
        person = done.person
        values: dict[str, object] = {
            "phone": show_phone(done.phone) if done.phone else typed,
            "name": person.display_name if person is not None else "",
            "operator": operator,
        }
        if done.result is TeamSms.REACHED or done.result is TeamSms.STOPPED:
            values["number"] = number
        if done.result is TeamSms.STOPPED and person and person.sms_stopped_at:
            day = person.sms_stopped_at.astimezone(self.deps.settings.zone).date()
            values["date"] = self.t.date(lang, day)
        return self.t(lang, ANSWERS[done.result], **values)


def month_text(
    t: Translator, lang: str, month: TextMonth, territories: Territories | None = None
) -> str:
    """/stats: the texts and segments sent this month against the budget, and how many
    messages the team passed on because the budget was reached. With several territories:
    a team's own territory's month, with what is left of its budget (its own, or the one it
    shares); the deployment's (`/stats tout`), with each budget."""
    values = {"texts": month.texts, "segments": month.segments, "through": month.through_team}
    if month.budgets and territories is not None:
        return _region_month(t, lang, month, territories, values)
    if month.budget is None:
        return t(lang, "smsteam.stats_no_budget", **values)
    text = t(lang, "smsteam.stats", budget=month.budget, **values)
    if month.segments >= month.budget:
        text += "\n" + t(lang, "smsteam.stats_spent")
    return text


def _region_month(
    t: Translator, lang: str, month: TextMonth, territories: Territories, values: dict[str, int]
) -> str:
    if month.territory is None:  # the deployment's: every budget, one line each
        lines = [t(lang, "smsbudget.stats_all", **values)]
        lines += [_budget_line(t, lang, budget, territories) for budget in month.budgets]
        return "\n".join(lines)
    [budget] = month.budgets
    if budget.budget is None:
        return t(lang, "smsteam.stats_no_budget", **values)
    left = t.plural(lang, "smsbudget.left", budget.left or 0, n=budget.left or 0)
    if budget.territory is None and len(budget.sharing) > 1:  # shared with other territories
        text = t(
            lang,
            "smsbudget.stats_shared",
            used=budget.used,
            budget=budget.budget,
            left=left,
            **values,
        )
    else:
        text = t(lang, "smsbudget.stats_own", budget=budget.budget, left=left, **values)
    if budget.spent:
        text += "\n" + t(lang, "smsteam.stats_spent")
    return text


def _budget_line(t: Translator, lang: str, budget: TextBudget, territories: Territories) -> str:
    if budget.territory is not None:
        team = territories.get(budget.territory).name
        line = t(
            lang,
            "smsbudget.line_own",
            team=team,
            used=budget.used,
            budget=budget.budget,
            left=budget.left,
        )
    else:
        teams = ", ".join(territories.get(item).name for item in budget.sharing)
        if budget.budget is None:
            return t(lang, "smsbudget.line_free", teams=teams, used=budget.used)
        line = t(
            lang,
            "smsbudget.line_shared",
            teams=teams,
            used=budget.used,
            budget=budget.budget,
            left=budget.left,
        )
    return line + (" " + t(lang, "smsbudget.line_spent") if budget.spent else "")
