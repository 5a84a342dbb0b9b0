"""What people mean when they type their own words where the bot offers buttons.

Pure functions, French and English side by side (people mix them, and a word of one is
never a different answer in the other): a time with its "before / after" ("avant 9h"), a
number of seats ("trois places"), yes or no, a phone number, weekdays said casually ("ben
comme d'habitude, en semaine"), a place with its preposition ("au Vigan") or a landmark
("gare de figeac"), a purpose, special needs, a choice among buttons, and a whole request
typed at once ("cahors demain 9h"). Each gives None when the words do not clearly say it:
the bot then asks again rather than guess.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot import folding
from bot.dateparse import parse_date, parse_weekdays
from bot.domain import Purpose, SpecialNeed, TimeMode, WayBack, Weekday
from bot.places.departments import department_named
from bot.settings import Language
from bot.timeparse import NUMBER_WORDS, parse_time

MAX_TEXT = 200


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes and punctuation as spaces: "D'accord !" → "d accord"
    (times, dates and decimals keep their ":", "/" and ".")."""
    return folding.fold(text, keep=":/.").strip(" .")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s.\-/]+", fold(text)) if w]


# Words that carry nothing but the way people talk.
FILLERS = frozenset(
    "ben bah bon alors euh heu hum eh ok oui voila donc enfin plutot normalement "
    "disons genre svp stp merci please well so um uh".split()
)
_FILLER_PHRASES = (
    "comme d habitude", "d habitude", "comme toujours", "s il vous plait", "s il te plait",
    "je pense", "je crois", "je dirais", "eh bien", "as usual", "i think",
)  # fmt: skip


def without_fillers(text: str) -> str:
    folded = f" {fold(text)} "
    for phrase in _FILLER_PHRASES:
        folded = folded.replace(f" {phrase} ", " ")
    return " ".join(w for w in folded.split() if w not in FILLERS)


# Yes and no.


def _phrases(*phrases: str) -> frozenset[str]:
    return frozenset(phrases)


YES = _phrases(
    "oui",
    "ouais",
    "ouai",
    "ok",
    "okay",
    "d accord",
    "dac",
    "bien sur",
    "volontiers",
    "exact",
    "exactement",
    "parfait",
    "c est bon",
    "c est ca",
    "c est juste",
    "tout est juste",
    "tout est bon",
    "ca marche",
    "ca va",
    "valider",
    "je valide",
    "je confirme",
    "confirme",
    "entendu",
    "absolument",
    "evidemment",
    "j accepte",
    "accepte",
    "je suis d accord",
    "pourquoi pas",
    "bien entendu",
    "oui oui",
    "yes",
    "yeah",
    "yep",
    "yup",
    "sure",
    "of course",
    "correct",
    "right",
    "fine",
    "that s right",
    "all good",
    "i agree",
    "agreed",
)
NO = _phrases(
    "non",
    "nan",
    "nom",
    "pas du tout",
    "non merci",
    "surtout pas",
    "jamais",
    "pas question",
    "je refuse",
    "refuse",
    "pas d accord",
    "je ne veux pas",
    "je veux pas",
    "aucun",
    "aucune",
    "rien",
    "pas cette fois",
    "je ne peux pas",
    "je peux pas",
    "impossible",
    "no",
    "nope",
    "nah",
    "no thanks",
    "no thank you",
    "not at all",
    "never",
    "not this time",
    "i can t",
    "i cannot",
)


def read_yes_no(text: str, *, strict: bool = False) -> bool | None:
    """ "oui", "d'accord", "yes" → True; "non", "non merci", "no" → False; else None. Not
    `strict`, a first "oui" or "non" says it ("non, pas cette fois"); `strict` where the
    words could be an answer of their own ("Non fumeur" as a note for passengers)."""
    if len(text) > MAX_TEXT:
        return None
    folded = fold(text)
    for polite in (" merci", " merci beaucoup", " thanks", " thank you", " svp", " please"):
        if folded.endswith(polite) and folded != polite.strip():
            folded = folded[: -len(polite)].strip()
    folded = re.sub(r"^(?:ben|bah|euh|eh bien|alors|bon|well|um|uh) ", "", folded)
    if folded in YES:
        return True
    if folded in NO:
        return False
    if strict:
        return None
    first = folded.split(" ", 1)[0] if folded else ""
    # "oui, tout est juste", "non pas cette fois": the first word says it.
    if first in ("oui", "yes", "ouais", "ok", "okay"):
        return True
    if first in ("non", "no", "nope"):
        return False
    return None


# Numbers ("3 places", "trois", "three seats").

_NUMBER_NOUNS = frozenset(
    "place places siege sieges personne personnes passager passagers seat seats "
    "people person passenger passengers".split()
)


def read_number(text: str) -> int | None:
    """A small count: "3", "3 places", "trois", "deux personnes", "three seats"."""
    if len(text) > MAX_TEXT:
        return None
    words = [w for w in without_fillers(text).split() if w not in _NUMBER_NOUNS]
    words = [w for w in words if w not in ("j ai", "je", "peux", "prendre", "il", "y", "a")]
    phrase = " ".join(w for w in words if w not in ("j", "ai", "i", "have", "can", "take"))
    if phrase.isascii() and phrase.isdigit() and len(phrase) <= 3:
        return int(phrase)
    return NUMBER_WORDS.get(phrase)


# Phones.

_PHONE = re.compile(r"(?<![\d+])(\+?\d[\d .\-/()]{7,18}\d)(?!\d)")


def read_phone(text: str) -> str | None:
    """The phone-like part of a message ("06 12 34 56 78", "mon numéro : +33 6 12 34 56 78"),
    as typed: the one place that normalises numbers is given it as it is."""
    if len(text) > MAX_TEXT:
        return None
    found = _PHONE.findall(unicodedata.normalize("NFKC", text))
    if len(found) != 1:
        return None
    digits = "".join(ch for ch in found[0] if ch.isdigit())
    return found[0].strip() if 9 <= len(digits) <= 15 else None


# Times, with their "before" or "after".

_BEFORE = (
    "avant",
    "au plus tard a",
    "au plus tard",
    "pas apres",
    "pour",
    "y etre a",
    "y etre pour",
    "etre a",
    "etre la a",
    "arriver a",
    "arriver avant",
    "arriver pour",
    "arrivee a",
    "arrivee avant",
    "rdv a",
    "rendez vous a",
    "j ai rendez vous a",
    "j ai rdv a",
    "rendez vous",
    "rdv",
    "by",
    "before",
    "arrive by",
    "arrive before",
    "be there by",
    "no later than",
)
_AFTER = (
    "apres",
    "a partir de",
    "des",
    "depuis",
    "partir a",
    "partir apres",
    "depart a",
    "depart apres",
    "pas avant",
    "au plus tot a",
    "au plus tot",
    "after",
    "from",
    "leave after",
    "leave at",
    "not before",
)
_MODE_ONLY = {
    TimeMode.ARRIVE_BEFORE: ("arriver avant", "arriver avant une heure", "arrivee", "arriver",
                             "etre a l heure", "avant", "arrive before", "arrive", "before"),
    TimeMode.LEAVE_AFTER: ("partir apres", "partir apres une heure", "depart", "partir",
                           "apres", "leave after", "leave", "after"),
}  # fmt: skip


class DayPart(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


# The hours a part of the day stands for: too wide to search with, so the bot asks for a
# time within it rather than take its first hour ("demain après-midi" is not "after 12:00").
DAY_PARTS = {
    DayPart.MORNING: (time(6), time(12)),
    DayPart.AFTERNOON: (time(12), time(18)),
    DayPart.EVENING: (time(18), time(22)),
}
_PART_WORDS = {
    DayPart.MORNING: ("matin", "le matin", "au matin", "matinee", "la matinee", "en matinee",
                      "dans la matinee", "morning", "the morning", "in the morning"),
    DayPart.AFTERNOON: ("apres midi", "l apres midi", "dans l apres midi", "en apres midi",
                        "aprem", "l aprem", "afternoon", "the afternoon", "in the afternoon"),
    DayPart.EVENING: ("soir", "le soir", "soiree", "la soiree", "en soiree", "dans la soiree",
                      "evening", "the evening", "in the evening"),
}  # fmt: skip
_PART_OF = {phrase: part for part, phrases in _PART_WORDS.items() for phrase in phrases}
# Narrower parts of the day, said in words: a window of two hours.
_NAMED_WINDOWS = {
    "tot le matin": (time(6), time(8)), "de bon matin": (time(6), time(8)),
    "early morning": (time(6), time(8)), "early in the morning": (time(6), time(8)),
    "en debut de matinee": (time(8), time(10)), "en fin de matinee": (time(10), time(12)),
    "late morning": (time(10), time(12)), "en debut d apres midi": (time(13), time(15)),
    "early afternoon": (time(13), time(15)), "en fin d apres midi": (time(16), time(18)),
    "late afternoon": (time(16), time(18)), "en fin de journee": (time(17), time(19)),
}  # fmt: skip
# "ce soir", "this morning": today, with a part of the day.
_TODAY_PARTS = {
    "ce matin": DayPart.MORNING, "cet apres midi": DayPart.AFTERNOON,
    "cet aprem": DayPart.AFTERNOON, "ce soir": DayPart.EVENING, "this morning": DayPart.MORNING,
    "this afternoon": DayPart.AFTERNOON, "this evening": DayPart.EVENING,
    "tonight": DayPart.EVENING,
}  # fmt: skip


@dataclass(frozen=True)
class TimeWish:
    """What a person said about when: a time, and whether it is a "leave after" or an
    "arrive before" (either may be missing: "vers 10h", "arriver avant"); or a window
    ("entre 8h et 9h", "le matin": `part` names it when it is a part of the day), whose
    use depends on the "before" or "after" said or asked."""

    mode: TimeMode | None = None
    at: time | None = None
    window: tuple[time, time] | None = None
    part: DayPart | None = None

    @property
    def said(self) -> bool:
        """A time or a window, not only "before" or "after"."""
        return self.at is not None or self.window is not None


def part_wish(part: DayPart) -> TimeWish:
    return TimeWish(window=DAY_PARTS[part], part=part)


def part_of(window: tuple[time, time]) -> DayPart | None:
    """The part of the day a window is, if it is one ("le matin")."""
    return next((part for part, hours in DAY_PARTS.items() if hours == tuple(window)), None)


def window_minutes(window: tuple[time, time]) -> int:
    start, end = window
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def fit_in(at: time, window: tuple[time, time]) -> time:
    """A time said after a part of the day, read in it: "3h" in the afternoon is 15:00."""
    start, end = window
    if not start <= at <= end and at.hour < 12:
        later = time(at.hour + 12, at.minute)
        if start <= later <= end:
            return later
    return at


# "8h-9h", "8h30–9h": a dash between two times is "to".
_DASH = re.compile(r"(?<=[\dhH])\s*[-–—]+\s*(?=\d)")
_WINDOW = re.compile(
    r"^(?P<link>entre |de |from |between )?(?P<start>.+?) "
    r"(?:et|a|jusqu a|to|and|until|till) (?P<end>.+)$"
)


def _window(folded: str) -> TimeWish | None:
    """ "entre 8h et 9h", "de 8h à 9h30", "8h-9h", "between 8 and 9am", "le matin"."""
    part = _PART_OF.get(folded)
    if part is not None:
        return part_wish(part)
    if folded in _NAMED_WINDOWS:
        return TimeWish(window=_NAMED_WINDOWS[folded])
    found = _WINDOW.match(folded)
    if found is None:
        return None
    start, end = _clock(found["start"], bare=True), _clock(found["end"], bare=True)
    said_start, said_end = parse_time(found["start"]), parse_time(found["end"])
    if start is None or end is None or (found["link"] is None and not (said_start or said_end)):
        return None  # "8 à 9" alone is not clearly two times
    if start.hour < 12 <= end.hour and not re.search(r"[h:]", found["start"]):
        later = time(start.hour + 12, start.minute)  # "entre 2 et 4h de l'après-midi"
        start = later if later < end else start
    if not start < end:
        return None
    return TimeWish(window=(start, end))


def read_time_wish(text: str) -> TimeWish | None:
    """ "avant 9h" → arrive before 9:00; "à partir de 14h" → leave after 14:00; "vers 10h" →
    10:00 alone; "arriver avant" → the mode alone; "by 9", "after 2pm", "around 10am";
    "entre 8h et 9h", "8h-9h", "le matin" → a window."""
    if len(text) > MAX_TEXT:
        return None
    folded = without_fillers(_DASH.sub(" à ", text))
    folded = re.sub(
        r"^(?:je (?:dois|veux|voudrais|peux)|il faut|i (?:must|need to|can|want to)) ", "", folded
    )
    if not folded:
        return None
    at = parse_time(folded)
    if at is not None:
        return TimeWish(None, at)
    window = _window(folded)
    if window is not None:
        return window
    for mode, prefixes in ((TimeMode.ARRIVE_BEFORE, _BEFORE), (TimeMode.LEAVE_AFTER, _AFTER)):
        for prefix in sorted(prefixes, key=len, reverse=True):
            if folded.startswith(prefix + " "):
                at = _clock(folded[len(prefix) + 1 :], bare=True)
                if at is not None:
                    return TimeWish(mode, at)
    for mode, phrases in _MODE_ONLY.items():
        if folded in phrases:
            return TimeWish(mode, None)
    return None


def _clock(text: str, *, bare: bool = False) -> time | None:
    """A time; with `bare`, a lone hour too ("by 9", "avant 9"): the word before says it is
    one."""
    at = parse_time(text)
    if at is not None:
        return at
    if bare:
        hour = int(text) if text.isascii() and text.isdigit() else NUMBER_WORDS.get(text)
        if hour is not None and 0 <= hour <= 23:
            return time(hour, 0)
    return None


# Days: "tous les jours", "en semaine", "ben comme d'habitude, en semaine".

_REGULAR = _phrases(
    "chaque semaine",
    "toutes les semaines",
    "regulierement",
    "regulier",
    "reguliere",
    "tout le temps",
    "every week",
    "weekly",
    "regularly",
    "regular",
)


def read_weekdays(text: str) -> frozenset[Weekday] | None:
    """Weekdays, with the words around them left out: "ben comme d'habitude, en semaine"."""
    if len(text) > MAX_TEXT:
        return None
    days = parse_weekdays(text)
    if days is not None:
        return days
    stripped = without_fillers(text)
    for regular in _REGULAR:
        stripped = re.sub(rf"(^| ){regular}( |$)", " ", stripped).strip()
    return parse_weekdays(stripped) if stripped else None


def says_regular(text: str) -> bool:
    """ "chaque semaine", "toutes les semaines", "every week" (days may follow)."""
    folded = without_fillers(text)
    return any(re.search(rf"(^| ){regular}( |$)", folded) for regular in _REGULAR)


def read_date(text: str, today: date) -> date | None:
    """A day: "demain", "jeudi", "mardi prochain", "le 12/12", "3 décembre", "ben demain"."""
    if len(text) > MAX_TEXT:
        return None
    day = parse_date(text, today)
    if day is not None:
        return day
    stripped = without_fillers(text)
    return parse_date(stripped, today) if stripped and stripped != fold(text) else None


# A day and a time never take more words than this: longer texts are not read as one.
_WHEN_WORDS = 12


def _day(text: str, today: date) -> tuple[date, TimeWish | None] | None:
    """A day, with the part of the day said with it: "demain", "ce soir", "jeudi matin"."""
    day = read_date(text, today)
    if day is not None:
        return day, None
    folded = without_fillers(text)
    if folded in _TODAY_PARTS:
        return today, part_wish(_TODAY_PARTS[folded])
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        part = read_time_wish(" ".join(words[cut:]))
        if part is None or part.window is None or part.mode is not None:
            continue
        day = read_date(" ".join(words[:cut]), today)
        if day is not None:
            return day, part
    return None


def read_day_and_time(text: str, today: date) -> tuple[date, TimeWish | None] | None:
    """ "demain", "demain 9h", "jeudi avant 9h", "mardi prochain à partir de 14h",
    "après-demain matin", "ce soir", "demain entre 8h et 9h", "dans 3 jours"."""
    if len(text) > MAX_TEXT or len(text.split()) > _WHEN_WORDS:
        return None
    said = _day(text, today)
    if said is not None:
        return said
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        said = _day(" ".join(words[:cut]), today)
        if said is None:
            continue
        day, part = said
        wish = read_time_wish(" ".join(words[cut:]))
        if wish is not None and wish.said:
            if part is not None and wish.at is not None and part.window is not None:
                # "ce soir 8h" is 20:00.
                wish = TimeWish(wish.mode, fit_in(wish.at, part.window))
            return day, wish
    return None


_EACH = frozenset(
    "chaque tous toutes every each lundis mardis mercredis jeudis vendredis samedis dimanches "
    "mondays tuesdays wednesdays thursdays fridays saturdays sundays".split()
)


def _regular_days(text: str) -> frozenset[Weekday] | None:
    """Days said as the days of every week: two days or more ("lundi et jeudi"), or one
    with "chaque", "tous les", a plural ("les mardis"). One day alone is a date."""
    days = read_weekdays(text)
    if days is None:
        return None
    if len(days) > 1 or says_regular(text) or _EACH.intersection(fold(text).split()):
        return days
    return None


def read_regular_days(text: str) -> tuple[frozenset[Weekday], TimeWish | None] | None:
    """ "lundi et jeudi 8h", "tous les mardis avant 9h", "en semaine" → the days of every
    week, and the time said with them."""
    if len(text) > MAX_TEXT or len(text.split()) > _WHEN_WORDS:
        return None
    days = _regular_days(text)
    if days is not None:
        return days, None
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        days = _regular_days(" ".join(words[:cut]))
        if days is None:
            continue
        wish = read_time_wish(" ".join(words[cut:]))
        if wish is not None and wish.said:
            return days, wish
    return None


_NEXT_WEEK = _phrases(
    "la semaine prochaine",
    "semaine prochaine",
    "la semaine d apres",
    "la semaine qui vient",
    "next week",
    "the week after",
)


def says_next_week(text: str) -> bool:
    """ "la semaine prochaine": a week, not yet a day (the bot asks which)."""
    return len(text) <= MAX_TEXT and without_fillers(text) in _NEXT_WEEK


def next_week(today: date) -> list[date]:
    """The days of the week after this one, Monday to Sunday."""
    monday = today + timedelta(days=7 - today.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


_GREETINGS = _phrases(
    "bonjour",
    "bonsoir",
    "salut",
    "coucou",
    "allo",
    "hello",
    "hi",
    "hey",
    "good morning",
    "good afternoon",
    "good evening",
)


_TO_WHOM = frozenset("madame monsieur mobilot a tous toi vous there".split())


def says_hello(text: str) -> bool:
    """ "Bonjour !", "bonjour madame", "Hello": a greeting and nothing more."""
    if len(text) > 60:
        return False
    words = [w for w in fold(text).split() if w not in _TO_WHOM]
    return " ".join(words) in _GREETINGS


# Places.

# Landmarks people name with their commune ("gare de figeac", "hopital cahors"): how the
# meeting point is written once understood.
LANDMARKS = {
    "hopital": "Hôpital", "hosto": "Hôpital", "centre hospitalier": "Centre hospitalier",
    "ch": "Centre hospitalier", "clinique": "Clinique", "gare": "Gare",
    "gare sncf": "Gare", "gare routiere": "Gare routière", "marche": "Marché",
    "mairie": "Mairie", "pharmacie": "Pharmacie", "poste": "La Poste", "la poste": "La Poste",
    "ehpad": "EHPAD", "maison de sante": "Maison de santé", "cabinet medical": "Cabinet médical",
    "medecin": "Médecin", "docteur": "Médecin", "dentiste": "Dentiste", "college": "Collège",
    "lycee": "Lycée", "ecole": "École", "eglise": "Église", "cimetiere": "Cimetière",
    "supermarche": "Supermarché", "centre ville": "Centre-ville", "centre": "Centre",
    "place du marche": "Place du marché", "foirail": "Foirail", "piscine": "Piscine",
    "cinema": "Cinéma", "salle des fetes": "Salle des fêtes", "banque": "Banque",
    "station": "Station", "hospital": "Hôpital", "station de bus": "Arrêt de bus",
    "arret de bus": "Arrêt de bus", "train station": "Gare", "market": "Marché",
    "town hall": "Mairie",
}  # fmt: skip
_PREPOSITIONS = (
    "depuis", "de", "d", "du", "des", "vers", "a", "au", "aux", "pour", "en", "jusqu a",
    "en direction de", "direction", "sur", "from", "to", "towards", "in", "at", "near",
    "pres de", "a cote de", "je pars de", "je vais a", "je vais au", "je vais",
    "aller a", "aller au", "aller", "je suis a", "j habite a", "j habite",
)  # fmt: skip
# "au Vigan" is "Le Vigan", "aux Quatre-Routes" is "Les Quatre-Routes".
_CONTRACTED = {"au": "le", "aux": "les", "du": "le", "des": "les"}


@dataclass(frozen=True)
class PlaceWords:
    """One way to read a typed place: the name to look up, and the landmark in it if any
    ("gare de figeac" → name "figeac", landmark "Gare"), or the street, as typed
    ("12 rue de la République, Cahors" → name "cahors", street "12 rue de la République")."""

    name: str
    landmark: str | None = None
    street: str | None = None


# "Gramat (Lot)", "Beaumont, Puy-de-Dôme": a department said by its name.
_WITH_DEPARTMENT = re.compile(
    r"^(?P<name>[^(),]+?)\s*(?:\((?P<within>[^()]+)\)|,(?P<after>[^(),]+))$"
)
_STREET_WORDS = (
    "rue|avenue|av|bd|boulevard|place|pl|chemin|impasse|imp|allee|quai|cours|faubourg|route"
    "|rte|lieu dit|residence|square|passage|promenade|esplanade|voie|ruelle|sentier|hameau"
    "|lotissement|cite|zone|za|zi"
)
_STREET = re.compile(rf"^(?:\d+ ?(?:bis|ter|[a-z])?,? )?(?:{_STREET_WORDS}) ")


def _is_street(text: str) -> bool:
    return _STREET.match(fold(text) + " ") is not None


def _addresses(text: str) -> list[tuple[str, str]]:
    """(street, commune) for an address: "12 rue de la République, Cahors", "Cahors, place
    du Foirail", "3 avenue de Toulouse Gramat" (then the commune is one of the last words)."""
    said = " ".join(unicodedata.normalize("NFKC", text).split())
    parts = [part.strip() for part in said.split(",") if part.strip()]
    if len(parts) == 2:
        first, second = parts
        if _is_street(first) and not _is_street(second):
            return [(first, second)]
        if _is_street(second) and not _is_street(first):
            return [(second, first)]
        return []
    if len(parts) == 1 and _is_street(said):
        words = said.split()
        return [
            (" ".join(words[:-n]), " ".join(words[-n:])) for n in (3, 2, 1) if len(words) - n >= 2
        ]
    return []


def read_place(text: str) -> list[PlaceWords]:
    """Ways to read a place typed with the words around it, most literal first:
    "de Gourdon" → "Gourdon"; "au Vigan" → "le Vigan", "Vigan"; "hopital cahors" → Cahors
    with the landmark "Hôpital"; "Gramat (Lot)" → "gramat 46"; "12 rue de la République,
    Cahors" → Cahors, the street kept. The text as typed is not among them (it was tried
    first)."""
    if len(text) > MAX_TEXT:
        return []
    readings: list[PlaceWords] = []

    def add(name: str, landmark: str | None = None, street: str | None = None) -> None:
        name = name.strip(" ,")
        if name and PlaceWords(name, landmark, street) not in readings:
            readings.append(PlaceWords(name, landmark, street))

    named = _WITH_DEPARTMENT.match(text.strip())
    if named:
        code = department_named(named["within"] or named["after"])
        if code is not None:
            add(f"{fold(named['name'])} {code}")
    for street, commune in _addresses(text):
        add(fold(commune), street=street.strip(" ,"))
    folded = fold(text).replace(" - ", " ")
    folded = re.sub(r"^(?:je vais |je pars |aller |go )", "", folded)
    for prefix in sorted(_PREPOSITIONS, key=len, reverse=True):
        if folded.startswith(prefix + " "):
            rest = folded[len(prefix) + 1 :]
            if prefix in _CONTRACTED:
                add(f"{_CONTRACTED[prefix]} {rest}")
            add(rest)
            folded = rest
            break
    folded = re.sub(r"^(?:la |le |l |les |the )", "", folded)
    for said in sorted(LANDMARKS, key=len, reverse=True):
        for pattern in (
            rf"^{said} (?P<link>de |d |du |des |a |in |of )?(?P<rest>.+)$",
            rf"^(?P<rest>.+?) (?:{said})$",
        ):
            found = re.match(pattern, folded)
            if found and found["rest"].strip():
                rest = found["rest"].strip()
                link = (found.groupdict().get("link") or "").strip()
                if link in _CONTRACTED:
                    add(f"{_CONTRACTED[link]} {rest}", LANDMARKS[said])
                add(rest, LANDMARKS[said])
        if readings and readings[-1].landmark:
            break
    return readings


def landmark_name(landmark: str, commune: str) -> str:
    """ "Gare de Figeac", "Hôpital d'Albas", "Marché du Vigan" (French elision and articles)."""
    lowered = commune.lower()
    if lowered.startswith("le "):
        return f"{landmark} du {commune[3:]}"
    if lowered.startswith("les "):
        return f"{landmark} des {commune[4:]}"
    first = fold(commune)[:1]
    if first and first in "aeiouyh" and not lowered.startswith(("la ", "l'")):
        return f"{landmark} d'{commune}"
    return f"{landmark} de {commune}"


# The purpose of a trip, and special needs.

PURPOSE_WORDS = {
    Purpose.HEALTH: ("sante", "medecin", "docteur", "hopital", "clinique", "dentiste", "kine",
                     "kinesitherapeute", "infirmier", "infirmiere", "pharmacie", "analyse",
                     "analyses", "prise de sang", "radio", "ophtalmo", "specialiste",
                     "soins", "consultation", "rdv medical", "rendez vous medical",
                     "laboratoire", "labo", "doctor", "health", "medical", "hospital",
                     "dentist"),
    Purpose.WORK: ("travail", "boulot", "emploi", "formation", "stage", "entretien",
                   "embauche", "chantier", "usine", "bureau", "job", "work", "training",
                   "interview"),
    Purpose.SHOPPING: ("courses", "marche", "supermarche", "magasin", "commissions",
                       "achats", "shopping", "market", "groceries"),
    Purpose.ADMIN: ("demarche", "demarches", "mairie", "papiers", "banque", "poste",
                    "impots", "prefecture", "caf", "cpam", "securite sociale", "notaire",
                    "france travail", "pole emploi", "administration", "admin",
                    "paperwork", "bank"),
    Purpose.FAMILY: ("famille", "enfants", "petits enfants", "fille", "fils", "visite",
                     "amis", "ami", "loisirs", "sortie", "cinema", "club", "mariage",
                     "enterrement", "family", "friends", "leisure", "visit"),
    Purpose.OTHER: ("autre", "autre chose", "other", "something else"),
}  # fmt: skip
SPECIAL_WORDS = {
    SpecialNeed.WHEELCHAIR: ("fauteuil", "fauteuil roulant", "chaise roulante", "wheelchair"),
    SpecialNeed.WALKING_HELP: ("canne", "deambulateur", "marcher", "marche mal", "bequilles",
                               "aide pour marcher", "walker", "walking", "cane", "crutches"),
    SpecialNeed.COMPANION: ("accompagnant", "accompagnateur", "accompagne", "accompagnee",
                            "avec ma femme", "avec mon mari", "avec quelqu un", "companion",
                            "carer"),
    SpecialNeed.PET: ("chien", "chat", "animal", "animaux", "dog", "cat", "pet"),
    SpecialNeed.LUGGAGE: ("bagage", "bagages", "valise", "valises", "sac", "sacs", "luggage",
                          "suitcase", "bags"),
}  # fmt: skip
_NOTHING = _phrases(
    "aucun",
    "aucune",
    "rien",
    "non",
    "non merci",
    "rien de special",
    "rien de particulier",
    "pas de besoin",
    "aucun besoin",
    "pas besoin",
    "ca va",
    "rien du tout",
    "none",
    "nothing",
    "no",
    "nope",
    "no thanks",
)


def _mentions(folded: str, phrase: str) -> bool:
    return re.search(rf"(^| ){re.escape(phrase)}( |$)", folded) is not None


def read_purpose(text: str) -> Purpose | None:
    """ "c'est pour le médecin" → health; "des courses" → shopping; one clear purpose only."""
    if len(text) > MAX_TEXT:
        return None
    folded = fold(text)
    found = {p for p, words in PURPOSE_WORDS.items() if any(_mentions(folded, w) for w in words)}
    return found.pop() if len(found) == 1 else None


def read_special_needs(text: str) -> frozenset[SpecialNeed] | None:
    """ "non", "rien" → none; "fauteuil roulant et mon chien" → wheelchair and pet."""
    if len(text) > MAX_TEXT:
        return None
    folded = fold(text)
    if without_fillers(folded) in _NOTHING or folded in _NOTHING:
        return frozenset()
    found = frozenset(
        need for need, words in SPECIAL_WORDS.items() if any(_mentions(folded, w) for w in words)
    )
    return found or None


# A choice among buttons.

_ORDINALS = {
    "premier": 0, "premiere": 0, "1er": 0, "1ere": 0, "first": 0, "un": 0, "1": 0,
    "deuxieme": 1, "second": 1, "seconde": 1, "2e": 1, "2eme": 1, "deux": 1, "2": 1,
    "troisieme": 2, "3e": 2, "3eme": 2, "trois": 2, "third": 2, "3": 2,
    "quatrieme": 3, "4e": 3, "quatre": 3, "fourth": 3, "4": 3,
    "cinquieme": 4, "5e": 4, "cinq": 4, "fifth": 4, "5": 4,
    "sixieme": 5, "6e": 5, "six": 5, "sixth": 5, "6": 5,
    "dernier": -1, "derniere": -1, "last": -1,
}  # fmt: skip
_CHOICE_FILLERS = frozenset(
    "le la l du de d des en a celui celle ci la numero n no number the one option choix je prends "
    "prends choisis je choisis veux je voudrais demander a demande plutot avec "
    "monsieur madame mr mme m please svp merci".split()
)


def read_choice(text: str, labels: list[str]) -> int | None:
    """Which of the `labels` (shown as buttons) the words name: "le premier", "2", "Jean",
    "Gourdon (46)", "oui" when there is only one; None when unclear."""
    if len(text) > MAX_TEXT or not labels:
        return None
    folded = fold(text)
    if len(labels) == 1 and read_yes_no(text) is True:
        return 0
    words = [w for w in folded.split() if w not in _CHOICE_FILLERS]
    if len(words) == 1 and words[0] in _ORDINALS:
        index = _ORDINALS[words[0]]
        return index % len(labels) if index < len(labels) else None
    if not words:
        return None
    said = " ".join(words)
    folded_labels = [fold(label) for label in labels]
    exact = [i for i, label in enumerate(folded_labels) if label == said]
    if len(exact) == 1:
        return exact[0]
    named = [i for i, label in enumerate(folded_labels) if _mentions(label, said)]
    if len(named) == 1:
        return named[0]
    by_words = [
        i for i, label in enumerate(folded_labels) if all(_mentions(label, w) for w in words)
    ]
    return by_words[0] if len(by_words) == 1 else None


# The way back (issue 23, item 11): "retour vers 17h", "pas de retour", "je ne sais pas".


@dataclass(frozen=True)
class BackWish:
    """What was said of the way back: none, a time (`at`), not known yet; or only that one
    is wanted (`kind` None: "aller-retour", "oui"), the time still to ask."""

    kind: WayBack | None
    at: time | None = None


_BACK_NONE = _phrases(
    "non", "pas de retour", "sans retour", "aucun retour", "pas besoin", "pas besoin de retour",
    "aller simple", "juste l aller", "seulement l aller", "l aller seulement", "aller seulement",
    "je rentre autrement", "je me debrouille", "quelqu un me ramene", "on me ramene", "rien",
    "no", "no return", "none", "one way", "no way back", "not needed", "i ll manage",
)  # fmt: skip
_BACK_UNKNOWN = _phrases(
    "je ne sais pas", "je ne sais pas encore", "je sais pas", "je sais pas encore", "sais pas",
    "ne sais pas", "pas encore", "je ne sais pas l heure", "je ne connais pas l heure",
    "je ne connais pas encore l heure", "on verra", "je verrai", "je vous dirai",
    "je vous le dirai", "je ne sais pas quand", "je sais pas quand", "ca depend",
    "pas sur", "pas sure", "inconnu", "plus tard", "je ne sais pas a quelle heure",
    "i don t know", "don t know", "dont know", "i dont know", "not yet", "not sure",
    "i don t know yet", "unknown", "later",
)  # fmt: skip
_BACK_WANTED = _phrases(
    "oui", "yes", "aller retour", "un aller retour", "avec retour", "retour", "le retour",
    "oui un retour", "oui retour", "il faut me ramener", "return", "round trip", "both ways",
)  # fmt: skip
# "retour vers 17h", "pour le retour, 17h", "return at 5pm": what comes first about the way.
_BACK_LEAD = re.compile(
    r"^(?:(?:et|avec|puis|pour)\s)?(?:(?:un|le)\s)?(?:aller\s)?(?:retour|return|back|revenir"
    r"|rentrer|repartir)\s?(?:(?:a|le|l|est|:|par|sera)\s)*"
)


def read_way_back(text: str) -> BackWish | None:
    """ "pas de retour" → none; "je ne sais pas encore" → not known yet; "retour vers 17h",
    "17h", "après 16h30", "return at 5pm" → a time; "aller-retour", "oui" → a way back
    wanted, its time not said; else None."""
    if len(text) > MAX_TEXT:
        return None
    folded = without_fillers(text)
    if not folded:
        return None
    for said in (folded, re.sub(r"^(?:non|no) (?=\S)", "", folded)):  # "non, pas de retour"
        for phrases, kind in ((_BACK_UNKNOWN, WayBack.UNKNOWN), (_BACK_NONE, WayBack.NONE)):
            if said in phrases:
                return BackWish(kind)
    if folded in _BACK_WANTED:
        return BackWish(None)
    rest = _BACK_LEAD.sub("", folded, count=1).strip()
    for phrases, kind in ((_BACK_UNKNOWN, WayBack.UNKNOWN), (_BACK_NONE, WayBack.NONE)):
        if rest in phrases:
            return BackWish(kind)
    if not rest:
        return BackWish(None)
    wish = read_time_wish(rest)
    if wish is None or not wish.said:
        return None
    at = wish.at if wish.at is not None else wish.window[0] if wish.window else None
    return BackWish(WayBack.AT, at)


# "cahors demain 9h retour 17h": where the words about the way back begin.
_BACK_IN_REQUEST = re.compile(
    r"(?i)(?:[\s,;.!]+|^)(?:(?:et|avec|puis|pour)\s+)?(?:(?:le|un)\s+)?"
    r"(?:aller[\s-]+)?(?:retour|return)\b"
)


def split_way_back(text: str) -> tuple[str, BackWish | None, str | None]:
    """A request's words before the way back, what they say of it, and those words as typed
    when they say nothing usable ("retour bof")."""
    found = _BACK_IN_REQUEST.search(text)
    if found is None or found.start() == 0:
        return text, None, None
    said = text[found.start() :].strip(" ,;.!")
    wish = read_way_back(said)
    return text[: found.start()], wish, (None if wish is not None else said)


# A whole request typed at once.


@dataclass(frozen=True)
class Request:
    """A trip asked in one message: "cahors demain 9h", "de Gourdon à Cahors jeudi avant 9h",
    "Gourdon Cahors lundi et jeudi 8h" (every week).

    ``destination`` and ``origin`` are place texts still to be looked up (a destination
    without an origin may name both: "gourdon cahors", see `two_places`); ``unused``, the
    words after the day and time that say nothing the bot can use."""

    destination: str | None = None
    origin: str | None = None
    day: date | None = None
    wish: TimeWish | None = None
    weekdays: frozenset[Weekday] = frozenset()
    unused: str | None = None
    back: BackWish | None = None  # "… retour 17h"
    regular: bool = False  # "… chaque semaine": every week, on days still to ask


_OPENINGS = re.compile(
    r"^(?:(?:bonjour|bonsoir|salut|hello|hi)\s+)?"
    r"(?:(?:je (?:voudrais|veux|souhaite|souhaiterais|dois|aimerais|cherche)|j aimerais"
    r"|il me faut|i (?:would like|want|need)(?: to)?)\s+)?"
    r"(?:(?:aller|me rendre|partir|un trajet|une voiture|quelqu un|go|get|a ride)\s+)?"
)
# "figeac -> cahors", "Gourdon → Cahors": an arrow is "to" (folding would drop it).
_ARROWS = re.compile(r"\s*(?:-+>|=+>|[–—]+>|[→⇒⟶➜➔➝➞]|➡️?|>)\s*")
_FROM = ("de", "depuis", "d", "from")
# Words that may begin a day said in the middle of a sentence ("cahors demain 9h pour le
# médecin"), so that not every span of every message is read as a date.
_DAY_OPENERS = frozenset(
    "demain apres aujourd aujourdhui ce cet dans le lundi mardi mercredi jeudi vendredi samedi "
    "dimanche tomorrow today tonight this next on monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)


@dataclass(frozen=True)
class _When:
    day: date | None
    weekdays: frozenset[Weekday]
    wish: TimeWish | None
    regular: bool = False  # "chaque semaine", the days still to ask


# Said after the places, every week without its days yet ("cahors figeac chaque semaine").
_EVERY_WEEK = _phrases("chaque semaine", "toutes les semaines", "every week")


def _when(text: str, today: date) -> _When | None:
    regular = read_regular_days(text)
    if regular is not None:
        return _When(None, regular[0], regular[1])
    said = read_day_and_time(text, today)
    if said is not None:
        return _When(said[0], frozenset(), said[1])
    if fold(text) in _EVERY_WEEK:
        return _When(None, frozenset(), None, regular=True)
    return None


def _find_when(words: list[str], today: date) -> tuple[int, int, _When] | None:
    """Where the day and time are: last ("cahors demain 9h"), first ("demain 9h cahors"),
    or in between, before words the bot cannot use ("cahors demain 9h svp avec mon chien")."""
    count = len(words)
    for start in range(count):
        said = _when(" ".join(words[start:]), today)
        if said is not None:
            return start, count, said
    for end in range(count - 1, 0, -1):
        said = _when(" ".join(words[:end]), today)
        if said is not None:
            return 0, end, said
    for start in range(1, count - 1):
        if words[start] not in _DAY_OPENERS and not words[start][:1].isdigit():
            continue
        for end in range(min(count - 1, start + 6), start, -1):
            if words[end] not in _MORE_OF_A_REQUEST and not words[end][:1].isdigit():
                continue  # "oui mardi ça s'est bien passé" is no request
            said = _when(" ".join(words[start:end]), today)
            if said is not None:
                return start, end, said
    return None


# Words after the day that may still be about the trip ("… demain 9h pour le médecin",
# "… demain vers 25h"): only then is a sentence with words left over read as a request.
_MORE_OF_A_REQUEST = frozenset(
    "pour avec vers a au et de depuis d svp please for with at around from".split()
)
# Words before the day that name no place ("oui ce soir", "ok pour demain", "merci, à
# demain"): the sentence answers something else, it asks no trip.
_NO_PLACE = frozenset(
    "a au aux de du des d vers pour oui ouais non ok okay d accord merci bien bon ca c est "
    "alors ben yes no thanks see you for to".split()
)


_POLITE = frozenset("svp stp merci please".split())
_ROUTE_WORDS = frozenset("a au aux vers pour to".split())


class _Said:
    """A message as folded words, each knowing the word typed it came from: the places and
    the words left over are given back as typed ("12 rue de la République", not folded)."""

    def __init__(self, text: str) -> None:
        self.typed = text.split()
        self.words: list[str] = []
        self.owner: list[int] = []
        for index, token in enumerate(self.typed):
            for word in fold(token).split():
                self.words.append(word)
                self.owner.append(index)

    def drop(self, keep: Callable[[int], bool]) -> None:
        kept = [i for i in range(len(self.words)) if keep(i)]
        self.words = [self.words[i] for i in kept]
        self.owner = [self.owner[i] for i in kept]

    def typed_span(self, start: int, end: int) -> str:
        """Words start to end as typed (folded when a typed word is cut in two)."""
        if start >= end:
            return ""
        first, last = self.owner[start], self.owner[end - 1]
        cut = (start > 0 and self.owner[start - 1] == first) or (
            end < len(self.owner) and self.owner[end] == last
        )
        if cut:
            return " ".join(self.words[start:end])
        return " ".join(self.typed[first : last + 1]).strip(" ,;.!?")


def read_request(text: str, today: date) -> Request | None:
    """The places, day and time said in one message, as far as the words say them; None when
    the message names no day (it is then not clearly a request)."""
    if len(text) > MAX_TEXT:
        return None
    text, back, back_unused = split_way_back(text)
    said = _Said(_ARROWS.sub(" vers ", text))
    opening = _OPENINGS.match(" ".join(said.words))
    skip = len(opening.group().split()) if opening else 0
    words = said.words
    polite = {i for i in range(len(words) - 3) if words[i : i + 4] == ["s", "il", "vous", "plait"]}
    polite |= {i + n for i in polite for n in range(1, 4)}
    said.drop(lambda i: i >= skip and i not in polite and words[i] not in _POLITE)
    found = _find_when(said.words, today)
    if found is None:
        return None
    start, end, when = found
    if start > 0 and all(word in _NO_PLACE for word in said.words[:start]):
        return None
    if when.regular and start == 0 and end == len(said.words):
        return None  # "chaque semaine" alone: an answer, not a trip asked
    count = len(said.words)
    places, rest = ((0, start), (end, count)) if start > 0 else ((end, count), (count, count))
    origin, destination = _route(said, *places)
    if origin is None and rest[1] - rest[0] > 1 and said.words[rest[0]] in _FROM:
        # "cahors demain 9h depuis gourdon"
        origin, rest = said.typed_span(rest[0] + 1, rest[1]), (count, count)
    unused = " ".join(part for part in (said.typed_span(*rest), back_unused) if part)
    return Request(
        destination or None,
        origin,
        when.day,
        when.wish,
        when.weekdays,
        unused or None,
        back,
        when.regular,
    )


def _route(said: _Said, start: int, end: int) -> tuple[str | None, str]:
    """ "de Gourdon à Cahors", "Gourdon vers Cahors": the origin and the destination."""
    words = said.words
    first = start + 1 if end - start > 2 and words[start] in _FROM else start
    for middle in range(first + 1, end - 1):
        if words[middle] in _ROUTE_WORDS:
            return said.typed_span(first, middle), said.typed_span(middle + 1, end)
    return None, said.typed_span(start, end)


def two_places(text: str) -> list[tuple[str, str]]:
    """The ways to cut words naming two places with nothing between ("gourdon cahors"):
    (origin, destination), each cut once; none past a few words."""
    words = text.split()
    if not 2 <= len(words) <= 6:
        return []
    return [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]


# The summary: confirm, give up, or correct one thing.

FIELD_WORDS = {
    "origin": ("depart", "lieu de depart", "d ou", "origine", "from", "start"),
    "destination": ("arrivee", "destination", "ou", "lieu d arrivee", "to", "where"),
    "when": ("jour", "date", "quand", "le jour", "when", "day"),
    "days": ("jours", "les jours", "days"),
    "mode": ("heure", "horaire", "l heure", "time"),
    "time": ("heure", "heure de depart", "horaire", "l heure", "time"),
    "return": ("retour", "le retour", "return"),
    "seats": ("places", "nombre de places", "seats"),
    "note": ("message", "mot", "note", "le message"),
    "contact": ("contact", "telephone", "numero", "phone"),
    "purpose": ("motif", "raison", "pourquoi", "purpose", "reason"),
    "special": ("besoin", "besoins", "besoins particuliers", "needs"),
    "caller": ("nom", "le nom", "name"),
}
_CANCEL = _phrases(
    "annuler",
    "abandonner",
    "laisser tomber",
    "laisse tomber",
    "j abandonne",
    "tout annuler",
    "on arrete",
    "arreter",
    "stop",
    "cancel",
    "give up",
    "forget it",
)
_CORRECT = re.compile(
    r"^(?:non |no )?(?:(?:il faut |je veux |je voudrais )?(?:corriger|changer|modifier)"
    r"|correct|change|fix)? ?(?:le |la |l |les |the )?"
)


def read_summary(text: str, fields: tuple[str, ...] | list[str]) -> str | None:
    """ "oui" → "confirm"; "annuler" → "cancel"; "changer l'heure" → "edit:time" (a field
    among `fields`); "non" → "no"; else None."""
    if len(text) > MAX_TEXT:
        return None
    folded = fold(text)
    if folded in _CANCEL:
        return "cancel"
    answer = read_yes_no(text)
    if answer is True:
        return "confirm"
    named = _CORRECT.sub("", folded, count=1).strip()
    for field in fields:
        if named in FIELD_WORDS.get(field, ()):
            return f"edit:{field}"
    return "no" if answer is False else None


# "Another one": a place taken without asking was not the one meant.

_ANOTHER = re.compile(
    r"^(?:non |no )?(?:(?:un |une |l |the )?autres?|(?:an|the )?other|another"
    r"|(?:ce n est |c est )?pas (?:celui|celle) (?:la|ci)"
    r"|(?:ce n est |c est )?pas (?:le|la) bon(?:ne)?"
    r"|pas (?:ce|cet|cette)|not (?:that|this)(?: one)?|wrong)(?: (?P<rest>.+))?$"
)
_PLACE_WORDS = frozenset("lieu commune endroit ville village one place town".split())


def may_say_another(text: str) -> bool:
    """Whether the words could be an "another one" (checked against the place by
    `read_another`)."""
    return len(text) <= MAX_TEXT and _ANOTHER.match(fold(text)) is not None


def read_another(text: str, place_name: str) -> bool:
    """ "un autre", "un autre Gourdon", "pas celui-là", "pas ce Gourdon", "another one":
    the place just taken (`place_name`) was not the one meant."""
    if len(text) > MAX_TEXT:
        return False
    found = _ANOTHER.match(fold(text))
    if found is None:
        return False
    rest = [w for w in (found["rest"] or "").split() if w not in ("le", "la", "les", "l", "de")]
    return all(w in _PLACE_WORDS for w in rest) or " ".join(rest) == fold(place_name)


# A language, named in either language ("anglais", "English", "en français").

LANGUAGE_WORDS: dict[Language, tuple[str, ...]] = {
    "fr": ("francais", "en francais", "french", "in french", "fr"),
    "en": ("anglais", "en anglais", "english", "in english", "en"),
}


def read_language(text: str) -> Language | None:
    """ "English", "en français" → "en", "fr"; anything else None."""
    if len(text) > MAX_TEXT:
        return None
    folded = without_fillers(text)
    folded = re.sub(
        r"^(?:je veux |je voudrais |parle(?:z)? |parlez moi |speak |please )+", "", folded
    )
    for language, words in LANGUAGE_WORDS.items():
        if folded in words:
            return language
    return None


# Texts (SMS): the keywords a simple phone sends, and saying one wants to drive.


class Keyword(enum.StrEnum):
    HELP = "help"
    CANCEL = "cancel"
    STOP = "stop"
    START = "start"
    FORGET = "forget"  # erase everything kept about them (/oublier on Telegram)


_KEYWORDS = {
    Keyword.HELP: ("aide", "help", "?", "info", "infos", "menu"),
    Keyword.CANCEL: ("annuler", "annule", "annulation", "cancel"),
    Keyword.STOP: ("stop", "arret", "arreter", "stop sms", "desabonner", "unsubscribe", "stopall"),
    Keyword.START: ("start", "reprendre", "unstop", "demarrer"),
    Keyword.FORGET: (
        "oublier",
        "oubliez moi",
        "oublie moi",
        "oubliez moi svp",
        "effacer",
        "tout effacer",
        "effacer tout",
        "effacer mes donnees",
        "supprimer mes donnees",
        "effacer mon compte",
        "supprimer mon compte",
        "forget",
        "forget me",
        "forgetme",
        "delete my data",
        "erase my data",
        "delete my account",
    ),
}
_KEYWORD_OF = {word: keyword for keyword, words in _KEYWORDS.items() for word in words}


def read_keyword(text: str) -> Keyword | None:
    """A whole text that is a keyword ("STOP", "Aide", "annuler !"), in either language; a
    sentence that merely holds one ("stop à Figeac") is not."""
    if len(text) > 40:
        return None
    if text.strip() == "?":
        return Keyword.HELP
    return _KEYWORD_OF.get(fold(text))


_OFFERING = re.compile(
    r"\b(?:je propose|proposer|propose un trajet|je conduis|conducteur|conductrice|"
    r"j ai une voiture|j ai de la place|des places|i offer|offer a (?:trip|ride)|i drive|driver)\b"
)


def says_offering(text: str) -> bool:
    """ "Je propose un trajet", "je suis conducteur": someone who drives, not who asks."""
    return len(text) <= MAX_TEXT and _OFFERING.search(fold(text)) is not None
