"""Places said with a preposition ("au Vigan"), a department, a street or a landmark."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.places.departments import department_named
from bot.understand.words import MAX_TEXT, fold

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
