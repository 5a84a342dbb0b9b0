import re
from datetime import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from i18n import LANGUAGES, Html, Translator, load_catalog, placeholders

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre"}


def test_english_is_complete_and_has_the_same_placeholders() -> None:
    french, english = load_catalog("fr"), load_catalog("en")
    assert set(french) == set(english)
    for key in french:
        assert placeholders(french[key]) == placeholders(english[key]), key


def keys_used_in_code() -> set[str]:
    used = set()
    for folder in ("bot", "handlers", "i18n"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', path.read_text()))
    # Keys built from a step, a field, a status or an enum value.
    from bot.domain import CloseReason, NeedStatus, Purpose, SpecialNeed, TimeMode, TripStatus
    from handlers.keyboards import FIND_SUMMARY_FIELDS, SUMMARY_FIELDS

    used |= {f"steps.{step}_set" for step in ("origin", "destination")}
    used |= {f"button.edit_{field}" for field in (*SUMMARY_FIELDS, *FIND_SUMMARY_FIELDS)}
    used |= {
        f"{name}.{what}"
        for name in ("offer", "find", "behalf_need", "behalf_driver")
        for what in ("cancelled", "lost", "busy", "ask_origin", "ask_destination")
    }
    used |= {"report.busy", "report.lost"}  # the engine's, for /signaler
    used |= {f"purpose.{p.value}" for p in Purpose} | {f"special.{s.value}" for s in SpecialNeed}
    used |= {f"need.status.{s.value}" for s in NeedStatus}
    used |= {f"need.{m.value}" for m in TimeMode} | {f"trip.{s.value}" for s in TripStatus}
    used |= {f"find.ask_time_{m.value}" for m in TimeMode} | {
        f"find.time_set_{m.value}" for m in TimeMode
    }
    from bot.services.operators import POST_REASONS

    used |= {f"operators.reason.{r}" for r in POST_REASONS.values()}
    used |= {"intro.state_accepted", "intro.state_declined", "button.edit_caller"}
    used |= {"behalf_need.intro", "behalf_driver.intro"}
    used |= {f"operators.state_{s}{w}" for s in ("open", "claimed") for w in ("", "_with_status")}
    used |= {f"close.{r.value}" for r in CloseReason}
    from bot.agenda import Kind
    from bot.domain import RideOutcome

    used |= {f"agenda.kind.{k.value}" for k in Kind} | {"operators.reason.unclaimed"}
    from handlers.render import ANY_MESSAGE

    used.add(ANY_MESSAGE)
    from handlers.team_views import built_keys

    used |= built_keys()
    from bot.aids.model import Frequency, RejectReason, Situation, Status

    used |= {f"aids.situation.{s.value}" for s in Situation}
    used |= {f"aids.behalf_situation.{s.value}" for s in Situation}
    from handlers.aid_keyboards import BENEFITS

    used |= {f"aids.benefit.{b}" for b in BENEFITS}
    used |= {f"aids.reason.{r.value}" for r in RejectReason}
    used |= {f"aids.{w}_{f.value}" for f in Frequency for w in ("validated", "amount")}
    used |= {f"aids.mine_{s.value}" for s in Status} | {"aids.busy", "apply.busy", "apply_for.busy"}
    used |= {
        f"{prefix}_{o.value}"
        for o in RideOutcome
        for prefix in ("button.ride", "outcome.answer", "outcome.thanks")
    }
    used |= {"welcome.busy", "welcome.lost", "cancel_need.busy", "cancel_need.lost"}
    from bot.services.texts import THROUGH_TEAM

    used.add(f"agenda.kind.{THROUGH_TEAM}")  # the digest names a team post by its topic
    # The way back (issue 23, item 11): the team's reasons, and /demande's voice.
    used |= {f"operators.reason.way_back{w}_{k}" for w in ("", "_left") for k in ("at", "unknown")}
    used |= {"behalf_need.ask_back", "behalf_need.ask_back_time"}
    # A sentence's shorter wording for a simple phone (handlers/sms/talk.py sms_text).
    french = load_catalog("fr")
    used |= {f"sms.{key}" for key in used if f"sms.{key}" in french}
    return used


def test_every_message_the_code_uses_exists() -> None:
    french = load_catalog("fr")
    prefixes = {key.split(".")[0] for key in french}
    wanted = {key for key in keys_used_in_code() if key.split(".")[0] in prefixes}
    # A literal that is the prefix of a family of messages ("need.status") is not a message.
    wanted = {key for key in wanted if not any(k.startswith(key + ".") for k in french)}
    assert wanted - set(french) == set()
    # "key[1]"… are the plural forms of "key" (Translator.plural).
    assert {k for k in french if not k.endswith("]")} - wanted == set(), "unused messages"


class TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag


@pytest.mark.parametrize("language", LANGUAGES)
def test_messages_are_valid_telegram_html(language: str) -> None:
    for key, text in load_catalog(language).items():
        checker = TagChecker()
        checker.feed(text)
        assert checker.open == [], key
        assert "<" not in re.sub(r"</?[a-z]+( [a-z]+=\"[^\"]*\")?>", "", text), key


def test_values_are_escaped_but_fragments_are_not() -> None:
    t = Translator("fr")
    text = t("fr", "steps.place_unknown", text="<b>Cahors & co</b>")
    assert "&lt;b&gt;Cahors &amp; co&lt;/b&gt;" in text
    assert t("fr", "trip.note", note=Html("<i>ok</i>")) == "« <i>ok</i> »"


def test_dates_and_days_in_both_languages() -> None:
    t = Translator("fr")
    assert t.time("fr", time(7, 30)) == "7h30"
    assert t.time("en", time(17, 5)) == "17:05"
    assert t.weekdays("fr", range(5)) == "du lundi au vendredi"
    assert t.weekdays("fr", [0, 2]) == "lundi et mercredi"
    assert t.weekdays("en", [1, 2, 3]) == "Tuesday to Thursday"
    assert t.weekdays("en", range(7)) == "every day"
    assert t("de", "button.yes") == "Oui"  # an unknown language falls back to the default


def test_area_catalogs_join_the_main_one_and_a_key_defined_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import i18n

    area = tmp_path / "aids"
    area.mkdir()
    (tmp_path / "fr.po").write_text('msgid "a.one"\nmsgstr "Un"\n')
    (area / "fr.po").write_text('msgid "b.two"\nmsgstr "Deux"\n')
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    load_catalog.cache_clear()
    try:
        assert load_catalog("fr") == {"a.one": "Un", "b.two": "Deux"}
        (area / "fr.po").write_text('msgid "a.one"\nmsgstr "Encore"\n')
        load_catalog.cache_clear()
        with pytest.raises(ValueError, match="a.one"):
            load_catalog("fr")
    finally:
        load_catalog.cache_clear()
