"""Message catalogs and the translator.

Catalogs are gettext `.po` files read with Babel, one per language, keyed by a stable
message id ("offer.ask_origin"). French is the default; English is complete (a test checks
that both catalogs have exactly the same ids and placeholders). Values given to a message
are HTML-escaped, since the bot sends HTML; pass `Html(...)` for a fragment already built
from the catalogs.
"""

from __future__ import annotations

import copy
import gettext
import html
import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("fr", "en")


class Html(str):
    """A fragment that is already safe HTML (built from catalogs and escaped values)."""


# A value is shown at most this long: echoing 5,000 typed characters back would exceed
# Telegram's 4,096 and lose the answer.
MAX_VALUE_LENGTH = 400


def escape(value: object) -> str:
    if isinstance(value, Html):
        return value
    text = str(value)
    if len(text) > MAX_VALUE_LENGTH:
        text = text[: MAX_VALUE_LENGTH - 1] + "…"
    return html.escape(text, quote=False)


def catalog_files(language: str) -> list[Path]:
    """The main catalog, then one per feature area (`locales/<area>/<language>.po`), so that
    features written side by side do not all edit one file."""
    return [LOCALES_DIR / f"{language}.po", *sorted(LOCALES_DIR.glob(f"*/{language}.po"))]


@cache
def load_catalog(language: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for path in catalog_files(language):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not (message.id and message.string):
                continue
            if message.pluralizable:
                # "key" is the first form, "key[1]"… the others (see Translator.plural).
                key = str(message.id[0])
                forms = list(message.string)
                entries = {key: forms[0], **{f"{key}[{i}]": f for i, f in enumerate(forms)}}
            else:
                key = str(message.id)
                entries = {key: str(message.string)}
            if key in messages:
                raise ValueError(f"message {key!r} is defined twice ({path})")
            messages.update(entries)
    return messages


@cache
def plural_rule(language: str) -> Callable[[int], int]:
    """Which plural form a count takes, from the main catalog's Plural-Forms header."""
    with (LOCALES_DIR / f"{language}.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return gettext.c2py(catalog.plural_expr)


# French drops the vowel of "de", "que" before a vowel or a mute h: "d'Albert", "qu'Yvette".
_ELIDABLE = re.compile(r"\b([Dd]e|[Qq]ue) \{(\w+)\}")
_VOWELS = tuple("aeiouyhàâäéèêëîïôöûüœAEIOUYHÀÂÄÉÈÊËÎÏÔÖÛÜŒ")


def elide(template: str, values: dict[str, Any]) -> str:
    def spoken(match: re.Match[str]) -> str:
        word, name = match[1], match[2]
        value = str(values.get(name, ""))
        if value.startswith(_VOWELS):
            return f"{word[:-1]}'{{{name}}}"
        return match[0]

    return _ELIDABLE.sub(spoken, template)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# The day of the month in a Babel date pattern ("d", not "dd" nor inside quotes).
_DAY_OF_MONTH = re.compile(r"(?<![d'])d(?![d'])")


# A message naming the service says `{service}`: the name of the person's territory when the
# adapter words it in that name (`Translator.named`), else the deployment's own ("Mobilot").
SERVICE = "service"
DEPLOYMENT_NAME = "brandall.service"
# An example request names a town ("{town} demain 9h"; in a text "{town_typed} demain 9h",
# as people type it: "brive demain 9h"): the person's territory's, handed with its name by
# `Translator.named`, else the deployment's own ("Cahors").
TOWN = "town"
TOWN_TYPED = "town_typed"
DEPLOYMENT_TOWN = "brandall.town"


def typed(town: str) -> str:
    """A town as people type it in a text: lower case, without accents ("Égletons" →
    "egletons")."""
    decomposed = unicodedata.normalize("NFD", town.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain)


class Translator:
    def __init__(self, default_language: str = "fr") -> None:
        self.default_language = default_language
        self._catalogs = {language: load_catalog(language) for language in LANGUAGES}
        # The name `{service}` says unless a value is given (None: the deployment's own),
        # and the town `{town}` and `{town_typed}` say (None: the deployment's own).
        self.service: str | None = None
        self.town: str | None = None

    def named(self, service: str | None, town: str | None = None) -> Translator:
        """The same catalogs, speaking in the name of `service` (a territory's: "Covoit'
        Corrèze") and giving `town` as the example of a request ("Brive"); None or "": the
        deployment's own, as `self`."""
        if not service and not town:
            return self
        named = copy.copy(self)
        named.service = service or None
        named.town = town or None
        return named

    def language(self, language: str | None) -> str:
        return language if language in self._catalogs else self.default_language

    def has(self, key: str) -> bool:
        return key in self._catalogs[self.default_language]

    def __call__(self, language: str | None, key: str, **values: Any) -> str:
        """The message `key` in `language`, with `values` escaped and filled in."""
        catalog = self._catalogs[self.language(language)]
        template = catalog.get(key) or self._catalogs[self.default_language].get(key)
        if template is None:
            raise KeyError(f"no message {key!r} in the catalogs")
        if "{service}" in template and not values.get(SERVICE):
            values[SERVICE] = self.service or self(language, DEPLOYMENT_NAME)
        if "{town" in template and not values.get(TOWN):
            values[TOWN] = self.town or self(language, DEPLOYMENT_TOWN)
        if "{town_typed}" in template and not values.get(TOWN_TYPED):
            values[TOWN_TYPED] = typed(str(values[TOWN]))
        if not values:
            return Html(template)
        if self.language(language) == "fr":
            template = elide(template, values)
        return Html(template.format(**{name: escape(v) for name, v in values.items()}))

    def plural(self, language: str | None, key: str, n: int, /, **values: Any) -> str:
        """The form of `key` for the count `n` ("1 place", "2 places"; "1 hour", "2 hours"),
        by each language's own plural rule."""
        lang = self.language(language)
        form = plural_rule(lang)(n)
        catalog = self._catalogs[lang]
        chosen = f"{key}[{form}]"
        if chosen not in catalog:
            chosen = key
        return self(lang, chosen, **values)

    def time(self, language: str | None, value: time) -> str:
        return format_time(value, self(language, "format.time"), locale=self.language(language))

    def day(self, language: str | None, value: date, pattern: str) -> str:
        """A date in a Babel pattern ("d MMMM y"); in French the first of a month is
        "1er" ("1er décembre")."""
        lang = self.language(language)
        if lang == "fr" and value.day == 1:
            pattern = _DAY_OF_MONTH.sub("d'er'", pattern)
        return format_date(value, pattern, locale=lang)

    def date(self, language: str | None, value: date) -> str:
        """ "mardi 24 novembre", "mardi 1er décembre", "Tuesday 24 November"."""
        return self.day(language, value, self(language, "format.date"))

    def weekday(
        self,
        language: str | None,
        day: int,
        width: Literal["abbreviated", "narrow", "short", "wide"] = "wide",
    ) -> str:
        return str(get_day_names(width, locale=self.language(language))[day])

    def weekdays(self, language: str | None, days: Iterable[int]) -> str:
        """ "du lundi au vendredi", "lundi, mercredi et vendredi", "tous les jours"."""
        chosen = sorted(set(days))
        if len(chosen) == 7:
            return self(language, "days.every_day")
        if chosen == [0, 1, 2, 3, 4]:
            return self(language, "days.working_days")
        if len(chosen) >= 3 and chosen == list(range(chosen[0], chosen[-1] + 1)):
            return self(
                language,
                "days.range",
                first=self.weekday(language, chosen[0]),
                last=self.weekday(language, chosen[-1]),
            )
        names = [self.weekday(language, day) for day in chosen]
        return format_list(names, locale=self.language(language))


class Voiced(Translator):
    """The same catalogs, speaking for someone else: a message `<voice>.<name>` replaces
    `find.<name>`, `offer.<name>`, `steps.<name>`, `words.<name>` or `rides.<name>` where it
    exists ("Où va la personne ?" rather than "Où allez-vous ?" when an operator registers a
    caller)."""

    SPOKEN = ("find", "offer", "steps", "words", "rides")

    def __init__(self, base: Translator, voice: str) -> None:
        self.default_language = base.default_language
        self._catalogs = base._catalogs
        self.service = base.service
        self.town = base.town
        self.voice = voice

    def __call__(self, language: str | None, key: str, **values: Any) -> str:
        area, _, name = key.partition(".")
        if area in self.SPOKEN and self.has(f"{self.voice}.{name}"):
            key = f"{self.voice}.{name}"
        return super().__call__(language, key, **values)
