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
from dataclasses import dataclass
from datetime import date, time

from bot.dateparse import parse_date, parse_weekdays
from bot.domain import Purpose, SpecialNeed, TimeMode, Weekday
from bot.settings import Language
from bot.timeparse import NUMBER_WORDS, parse_time

MAX_TEXT = 200


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes and punctuation as spaces: "D'accord !" → "d accord"."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'`´\-]", " ", text)
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9:/. ]", " ", text)).strip(" .")


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
    "oui", "ouais", "ouai", "ok", "okay", "d accord", "dac", "bien sur", "volontiers",
    "exact", "exactement", "parfait", "c est bon", "c est ca", "c est juste", "tout est juste",
    "tout est bon", "ca marche", "ca va", "valider", "je valide", "je confirme", "confirme",
    "entendu", "absolument", "evidemment", "j accepte", "accepte", "je suis d accord",
    "pourquoi pas", "bien entendu", "oui oui", "yes", "yeah", "yep", "yup", "sure",
    "of course", "correct", "right", "fine", "that s right", "all good", "i agree", "agreed",
)  # fmt: skip
NO = _phrases(
    "non", "nan", "nom", "pas du tout", "non merci", "surtout pas", "jamais", "pas question",
    "je refuse", "refuse", "pas d accord", "je ne veux pas", "je veux pas", "aucun",
    "aucune", "rien", "pas cette fois", "je ne peux pas", "je peux pas", "impossible",
    "no", "nope", "nah", "no thanks", "no thank you", "not at all", "never", "not this time",
    "i can t", "i cannot",
)  # fmt: skip


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

_BEFORE = ("avant", "au plus tard a", "au plus tard", "pas apres", "pour", "y etre a",
           "y etre pour", "etre a", "etre la a", "arriver a", "arriver avant", "arriver pour",
           "arrivee a", "arrivee avant", "rdv a", "rendez vous a", "j ai rendez vous a",
           "j ai rdv a", "rendez vous", "rdv", "by", "before", "arrive by", "arrive before",
           "be there by", "no later than")  # fmt: skip
_AFTER = ("apres", "a partir de", "des", "depuis", "partir a", "partir apres", "depart a",
          "depart apres", "pas avant", "au plus tot a", "au plus tot", "after", "from",
          "leave after", "leave at", "not before")  # fmt: skip
_MODE_ONLY = {
    TimeMode.ARRIVE_BEFORE: ("arriver avant", "arriver avant une heure", "arrivee", "arriver",
                             "etre a l heure", "avant", "arrive before", "arrive", "before"),
    TimeMode.LEAVE_AFTER: ("partir apres", "partir apres une heure", "depart", "partir",
                           "apres", "leave after", "leave", "after"),
}  # fmt: skip


@dataclass(frozen=True)
class TimeWish:
    """What a person said about when: a time, and whether it is a "leave after" or an
    "arrive before" (either may be missing: "vers 10h", "arriver avant")."""

    mode: TimeMode | None = None
    at: time | None = None


def read_time_wish(text: str) -> TimeWish | None:
    """ "avant 9h" → arrive before 9:00; "à partir de 14h" → leave after 14:00; "vers 10h" →
    10:00 alone; "arriver avant" → the mode alone; "by 9", "after 2pm", "around 10am"."""
    if len(text) > MAX_TEXT:
        return None
    folded = without_fillers(text)
    folded = re.sub(r"^(?:je (?:dois|veux|voudrais|peux)|il faut|i (?:must|need to|can|want to)) ",
                    "", folded)  # fmt: skip
    if not folded:
        return None
    at = parse_time(folded)
    if at is not None:
        return TimeWish(None, at)
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
    "chaque semaine", "toutes les semaines", "regulierement", "regulier", "reguliere",
    "tout le temps", "every week", "weekly", "regularly", "regular",
)  # fmt: skip


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


def read_day_and_time(text: str, today: date) -> tuple[date, TimeWish | None] | None:
    """ "demain", "demain 9h", "jeudi avant 9h", "mardi prochain à partir de 14h"."""
    if len(text) > MAX_TEXT:
        return None
    day = read_date(text, today)
    if day is not None:
        return day, None
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        day = read_date(" ".join(words[:cut]), today)
        if day is None:
            continue
        wish = read_time_wish(" ".join(words[cut:]))
        if wish is not None and wish.at is not None:
            return day, wish
    return None


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
    ("gare de figeac" → name "figeac", landmark "Gare")."""

    name: str
    landmark: str | None = None


def read_place(text: str) -> list[PlaceWords]:
    """Ways to read a place typed with the words around it, most literal first:
    "de Gourdon" → "Gourdon"; "au Vigan" → "le Vigan", "Vigan"; "hopital cahors" → Cahors
    with the landmark "Hôpital". The text as typed is not among them (it was tried first)."""
    if len(text) > MAX_TEXT:
        return []
    readings: list[PlaceWords] = []

    def add(name: str, landmark: str | None = None) -> None:
        name = name.strip(" ,")
        if name and PlaceWords(name, landmark) not in readings:
            readings.append(PlaceWords(name, landmark))

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
        for pattern in (rf"^{said} (?P<link>de |d |du |des |a |in |of )?(?P<rest>.+)$",
                        rf"^(?P<rest>.+?) (?:{said})$"):  # fmt: skip
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
    "aucun", "aucune", "rien", "non", "non merci", "rien de special", "rien de particulier",
    "pas de besoin", "aucun besoin", "pas besoin", "ca va", "rien du tout", "none",
    "nothing", "no", "nope", "no thanks",
)  # fmt: skip


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


# A whole request typed at once.


@dataclass(frozen=True)
class Request:
    """A trip asked in one message: "cahors demain 9h", "de Gourdon à Cahors jeudi avant 9h".

    ``destination`` and ``origin`` are place texts still to be looked up."""

    destination: str | None = None
    origin: str | None = None
    day: date | None = None
    wish: TimeWish | None = None


_OPENINGS = re.compile(
    r"^(?:(?:bonjour|bonsoir|salut|hello|hi)\s+)?"
    r"(?:(?:je (?:voudrais|veux|souhaite|souhaiterais|dois|aimerais|cherche)|j aimerais"
    r"|il me faut|i (?:would like|want|need)(?: to)?)\s+)?"
    r"(?:(?:aller|me rendre|partir|un trajet|une voiture|quelqu un|go|get|a ride)\s+)?"
)
_ROUTE = re.compile(r"^(?:de |depuis |from )?(?P<origin>.+?) (?:a|au|aux|vers|pour|to|->|>) "
                    r"(?P<destination>.+)$")  # fmt: skip


def read_request(text: str, today: date) -> Request | None:
    """The places, day and time said in one message, as far as the words say them; None when
    the message names no day (it is then not clearly a request)."""
    if len(text) > MAX_TEXT:
        return None
    folded = fold(text)
    folded = _OPENINGS.sub("", folded).strip()
    folded = re.sub(r"\b(?:s il vous plait|svp|merci|please)\b", " ", folded)
    words = folded.split()
    # The day and time come last ("cahors demain 9h"), or first ("demain 9h cahors").
    for start in range(len(words)):
        said = read_day_and_time(" ".join(words[start:]), today)
        if said is not None:
            return _request(" ".join(words[:start]), *said)
    for end in range(len(words) - 1, 0, -1):
        said = read_day_and_time(" ".join(words[:end]), today)
        if said is not None:
            return _request(" ".join(words[end:]), *said)
    return None


def _request(places: str, day: date, wish: TimeWish | None) -> Request:
    places = places.strip()
    route = _ROUTE.match(places)
    if route:
        return Request(route["destination"], route["origin"], day, wish)
    return Request(places or None, None, day, wish)


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
    "annuler", "abandonner", "laisser tomber", "laisse tomber", "j abandonne", "tout annuler",
    "on arrete", "arreter", "stop", "cancel", "give up", "forget it",
)  # fmt: skip
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


_KEYWORDS = {
    Keyword.HELP: ("aide", "help", "?", "info", "infos", "menu"),
    Keyword.CANCEL: ("annuler", "annule", "annulation", "cancel"),
    Keyword.STOP: ("stop", "arret", "arreter", "stop sms", "desabonner", "unsubscribe", "stopall"),
    Keyword.START: ("start", "reprendre", "unstop", "demarrer"),
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
