"""The purpose of a trip, and special needs."""

from __future__ import annotations

from bot.domain import Purpose, SpecialNeed
from bot.understand.words import MAX_TEXT, _mentions, _phrases, fold, without_fillers

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
