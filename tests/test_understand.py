"""What typed words are understood as: one table per kind of answer (times, days, places,
numbers, yes / no, phones, purposes, needs, choices, whole requests)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from bot.domain import Purpose, SpecialNeed, TimeMode, Weekday
from bot.understand import (
    DayPart,
    PlaceWords,
    Request,
    TimeWish,
    landmark_name,
    next_week,
    part_wish,
    read_another,
    read_choice,
    read_date,
    read_day_and_time,
    read_language,
    read_number,
    read_phone,
    read_place,
    read_purpose,
    read_regular_days,
    read_request,
    read_special_needs,
    read_time_wish,
    read_weekdays,
    read_yes_no,
    says_hello,
    says_next_week,
    says_regular,
)

BEFORE, AFTER = TimeMode.ARRIVE_BEFORE, TimeMode.LEAVE_AFTER
MON, TUE, WED, THU, FRI, SAT, SUN = Weekday
WEEK = frozenset({MON, TUE, WED, THU, FRI})
# Monday 23 November 2026.
TODAY = date(2026, 11, 23)

TIMES: list[tuple[str, TimeWish | None]] = [
    ("avant 9h", TimeWish(BEFORE, time(9, 0))),
    ("après 14h", TimeWish(AFTER, time(14, 0))),
    ("à partir de 14h", TimeWish(AFTER, time(14, 0))),
    ("vers 10h", TimeWish(None, time(10, 0))),
    ("9h du matin", TimeWish(None, time(9, 0))),
    ("2h de l'après-midi", TimeWish(None, time(14, 0))),
    ("midi", TimeWish(None, time(12, 0))),
    ("midi et demi", TimeWish(None, time(12, 30))),
    ("neuf heures", TimeWish(None, time(9, 0))),
    ("14:30", TimeWish(None, time(14, 30))),
    ("14h30", TimeWish(None, time(14, 30))),
    ("by 9", TimeWish(BEFORE, time(9, 0))),
    ("after 2pm", TimeWish(AFTER, time(14, 0))),
    ("around 10am", TimeWish(None, time(10, 0))),
    ("je dois y être à 9h", TimeWish(BEFORE, time(9, 0))),
    ("pas avant 8h30", TimeWish(AFTER, time(8, 30))),
    ("rendez-vous à 10h15", TimeWish(BEFORE, time(10, 15))),
    ("dès 7h", TimeWish(AFTER, time(7, 0))),
    ("avant neuf heures", TimeWish(BEFORE, time(9, 0))),
    ("huit heures moins le quart", TimeWish(None, time(7, 45))),
    ("8h et quart", TimeWish(None, time(8, 15))),
    ("arriver avant", TimeWish(BEFORE, None)),
    ("partir après", TimeWish(AFTER, None)),
    ("9 h du soir", TimeWish(None, time(21, 0))),
    ("demain", None),
    ("trois", None),
    ("7h30 ou 8h", None),
    ("avant 25h", None),
    # Issue 23, item 10: hours rather than a time.
    ("entre 8h et 9h", TimeWish(window=(time(8), time(9)))),
    ("8h-9h", TimeWish(window=(time(8), time(9)))),
    ("de 8h30 à 10h", TimeWish(window=(time(8, 30), time(10)))),
    ("between 8 and 9am", TimeWish(window=(time(8), time(9)))),
    ("entre 2 et 4h de l'après-midi", TimeWish(window=(time(14), time(16)))),
    ("le matin", part_wish(DayPart.MORNING)),
    ("après-midi", part_wish(DayPart.AFTERNOON)),  # not "after noon"
    ("en fin de matinée", TimeWish(window=(time(10), time(12)))),
    ("entre 9h et 8h", None),
]


@pytest.mark.parametrize(("typed", "understood"), TIMES)
def test_times(typed: str, understood: TimeWish | None) -> None:
    assert read_time_wish(typed) == understood


DAYS: list[tuple[str, frozenset[Weekday] | None]] = [
    ("ben comme d'habitude, en semaine", WEEK),
    ("en semaine", WEEK),
    ("euh le lundi et le jeudi", frozenset({MON, THU})),
    ("tous les jours", frozenset(Weekday)),
    ("chaque semaine le mardi", frozenset({TUE})),
    ("du lundi au vendredi svp", WEEK),
    ("every week on mondays", frozenset({MON})),
    ("bof", None),
]


@pytest.mark.parametrize(("typed", "understood"), DAYS)
def test_weekdays(typed: str, understood: frozenset[Weekday] | None) -> None:
    assert read_weekdays(typed) == understood


DATES: list[tuple[str, date | None]] = [
    ("demain", date(2026, 11, 24)),
    ("jeudi", date(2026, 11, 26)),
    ("mardi prochain", date(2026, 11, 24)),
    ("le 12/12", date(2026, 12, 12)),
    ("ben demain", date(2026, 11, 24)),
    ("après-demain", date(2026, 11, 25)),
    ("lundi", date(2026, 11, 30)),  # a weekday named on that day means the next one
    ("le 3 décembre", date(2026, 12, 3)),
    ("next friday", date(2026, 11, 27)),
    ("un de ces jours", None),
    ("dans 3 jours", date(2026, 11, 26)),
    ("dans trois jours", date(2026, 11, 26)),
    ("dans une semaine", date(2026, 11, 30)),
    ("dans huit jours", date(2026, 11, 30)),  # "huit jours" is a week
    ("in 2 days", date(2026, 11, 25)),
    ("la semaine prochaine", None),  # a week, not a day: asked (says_next_week)
]


@pytest.mark.parametrize(("typed", "understood"), DATES)
def test_dates(typed: str, understood: date | None) -> None:
    assert read_date(typed, TODAY) == understood


def test_a_day_with_a_time_wish() -> None:
    assert read_day_and_time("jeudi avant 9h", TODAY) == (
        date(2026, 11, 26),
        TimeWish(BEFORE, time(9, 0)),
    )
    assert read_day_and_time("demain 9h", TODAY) == (date(2026, 11, 24), TimeWish(None, time(9)))


@pytest.mark.parametrize(
    ("typed", "day", "wish"),
    [
        ("après-demain matin", date(2026, 11, 25), part_wish(DayPart.MORNING)),
        ("ce soir", TODAY, part_wish(DayPart.EVENING)),
        ("demain après-midi", date(2026, 11, 24), part_wish(DayPart.AFTERNOON)),
        ("ce soir 8h", TODAY, TimeWish(None, time(20))),
        ("demain matin vers 9h", date(2026, 11, 24), TimeWish(None, time(9))),
        ("jeudi entre 8h et 9h", date(2026, 11, 26), TimeWish(window=(time(8), time(9)))),
        ("dans 3 jours", date(2026, 11, 26), None),
    ],
)
def test_a_day_with_hours(typed: str, day: date, wish: TimeWish | None) -> None:
    """Issue 23, item 10: "demain après-midi" is the afternoon, never "after 12:00"."""
    assert read_day_and_time(typed, TODAY) == (day, wish)


def test_days_of_every_week_and_next_week() -> None:
    assert read_regular_days("lundi et jeudi 8h") == (
        frozenset({MON, THU}),
        TimeWish(None, time(8)),
    )
    assert read_regular_days("tous les mardis") == (frozenset({TUE}), None)
    assert read_regular_days("mardi 8h") is None  # one day is a date
    assert says_next_week("la semaine prochaine") and says_next_week("euh, next week")
    assert not says_next_week("mardi prochain")
    assert next_week(TODAY)[0] == date(2026, 11, 30) and next_week(TODAY)[6] == date(2026, 12, 6)


def test_greetings() -> None:
    assert says_hello("Bonjour !") and says_hello("bonjour madame") and says_hello("Hello")
    assert not says_hello("bonjour je voudrais aller à Cahors") and not says_hello("oui")


PLACES: list[tuple[str, list[PlaceWords]]] = [
    ("de Gourdon", [PlaceWords("gourdon")]),
    ("vers Figeac", [PlaceWords("figeac")]),
    ("à Cahors", [PlaceWords("cahors")]),
    ("au Vigan", [PlaceWords("le vigan"), PlaceWords("vigan")]),
    ("hopital cahors", [PlaceWords("cahors", "Hôpital")]),
    ("gare de figeac", [PlaceWords("figeac", "Gare")]),
    ("marché de Gramat", [PlaceWords("gramat", "Marché")]),
    ("à la mairie de Gramat", [PlaceWords("la mairie de gramat"), PlaceWords("gramat", "Mairie")]),
    ("pharmacie du Vigan", [PlaceWords("le vigan", "Pharmacie"), PlaceWords("vigan", "Pharmacie")]),
    ("Figeac", []),
    ("Gramat (Lot)", [PlaceWords("gramat 46")]),
    ("Beaumont, Puy-de-Dôme", [PlaceWords("beaumont 63")]),
    (
        "12 rue de la République, Cahors",
        [PlaceWords("cahors", street="12 rue de la République")],
    ),
]


@pytest.mark.parametrize(("typed", "understood"), PLACES)
def test_places(typed: str, understood: list[PlaceWords]) -> None:
    assert read_place(typed) == understood


@pytest.mark.parametrize(
    ("landmark", "commune", "name"),
    [
        ("Gare", "Figeac", "Gare de Figeac"),
        ("Hôpital", "Albas", "Hôpital d'Albas"),
        ("Marché", "Le Vigan", "Marché du Vigan"),
        ("Mairie", "Les Quatre-Routes-du-Lot", "Mairie des Quatre-Routes-du-Lot"),
    ],
)
def test_a_landmark_is_named_with_its_commune(landmark: str, commune: str, name: str) -> None:
    assert landmark_name(landmark, commune) == name


NUMBERS: list[tuple[str, int | None]] = [
    ("3 places", 3),
    ("3", 3),
    ("trois", 3),
    ("deux personnes", 2),
    ("une place", 1),
    ("three seats", 3),
    ("j'ai 4 places", 4),
    ("quelques-unes", None),
]


@pytest.mark.parametrize(("typed", "understood"), NUMBERS)
def test_numbers(typed: str, understood: int | None) -> None:
    assert read_number(typed) == understood


YES_NO: list[tuple[str, bool | None]] = [
    ("oui", True),
    ("Oui !", True),
    ("d'accord", True),
    ("oui merci", True),
    ("c'est bon", True),
    ("yes", True),
    ("non", False),
    ("non merci", False),
    ("no", False),
    ("Non, pas cette fois", False),
    ("peut-être", None),
]


@pytest.mark.parametrize(("typed", "understood"), YES_NO)
def test_yes_no(typed: str, understood: bool | None) -> None:
    assert read_yes_no(typed) is understood


PHONES: list[tuple[str, str | None]] = [
    ("06 12 34 56 78", "06 12 34 56 78"),
    ("mon numéro : 06.12.34.56.78", "06.12.34.56.78"),
    ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("0612345678", "0612345678"),
    ("06 12", None),
    ("Telegram seulement", None),
]


@pytest.mark.parametrize(("typed", "understood"), PHONES)
def test_phones(typed: str, understood: str | None) -> None:
    assert read_phone(typed) == understood


WORDS: list[tuple[str, Any]] = [
    ("c'est pour le médecin", Purpose.HEALTH),
    ("des courses au marché", Purpose.SHOPPING),
    ("un entretien d'embauche", Purpose.WORK),
    ("voir mes petits-enfants", Purpose.FAMILY),
    ("la mairie pour des papiers", Purpose.ADMIN),
    ("je ne sais pas", None),
]


@pytest.mark.parametrize(("typed", "understood"), WORDS)
def test_purposes(typed: str, understood: Purpose | None) -> None:
    assert read_purpose(typed) == understood


@pytest.mark.parametrize(
    ("typed", "understood"),
    [
        ("non", frozenset()),
        ("rien de spécial", frozenset()),
        ("fauteuil roulant et mon chien", frozenset({SpecialNeed.WHEELCHAIR, SpecialNeed.PET})),
        ("une canne", frozenset({SpecialNeed.WALKING_HELP})),
        ("bleu", None),
    ],
)
def test_special_needs(typed: str, understood: frozenset[SpecialNeed] | None) -> None:
    assert read_special_needs(typed) == understood


CHOICES = ["Gourdon (46)", "Gourdon (71)", "Gourdon (06)"]


@pytest.mark.parametrize(
    ("typed", "labels", "understood"),
    [
        ("le premier", CHOICES, 0),
        ("2", CHOICES, 1),
        ("celui du 06", CHOICES, 2),
        ("Gourdon (71)", CHOICES, 1),
        ("le dernier", CHOICES, 2),
        ("Jean", ["🚗 Demander à Jean M. (mar. 7h30)", "🚗 Demander à Paul R. (mar. 8h)"], 0),
        ("oui", ["🚗 Demander à Jean M. (mar. 7h30)"], 0),
        ("Gourdon", CHOICES, None),
    ],
)
def test_choices(typed: str, labels: list[str], understood: int | None) -> None:
    assert read_choice(typed, labels) == understood


REQUESTS: list[tuple[str, Request | None]] = [
    ("cahors demain 9h", Request("cahors", None, date(2026, 11, 24), TimeWish(None, time(9)))),
    (
        "de Gourdon à Cahors jeudi avant 9h",
        Request("Cahors", "Gourdon", date(2026, 11, 26), TimeWish(BEFORE, time(9))),
    ),
    (
        "je voudrais aller à Figeac mardi prochain",
        Request("à Figeac", None, date(2026, 11, 24), None),
    ),
    ("demain hopital cahors", Request("hopital cahors", None, date(2026, 11, 24), None)),
    ("demain 9h", Request(None, None, date(2026, 11, 24), TimeWish(None, time(9)))),
    ("bonjour", None),
    ("merci, à demain", None),  # words that answer something else ask no trip
    ("ok pour demain", None),
    ("je suis dispo demain si besoin", None),
    # Issue 23, item 9: the arrows kept, days of every week, what cannot be used said.
    (
        "figeac -> cahors demain 8h",
        Request("cahors", "figeac", date(2026, 11, 24), TimeWish(None, time(8))),
    ),
    (
        "Gourdon → Cahors mardi 8h",
        Request("Cahors", "Gourdon", date(2026, 11, 24), TimeWish(None, time(8))),
    ),
    (
        "Gourdon Cahors lundi et jeudi 8h",
        Request("Gourdon Cahors", None, None, TimeWish(None, time(8)), frozenset({MON, THU})),
    ),
    (
        "Figeac => Cahors tous les mardis avant 9h",
        Request("Cahors", "Figeac", None, TimeWish(BEFORE, time(9)), frozenset({TUE})),
    ),
    (
        "cahors demain 9h pour le médecin svp",
        Request(
            "cahors", None, date(2026, 11, 24), TimeWish(None, time(9)), unused="pour le médecin"
        ),
    ),
    (
        "cahors demain vers 25h",
        Request("cahors", None, date(2026, 11, 24), None, unused="vers 25h"),
    ),
    (
        "cahors demain 9h depuis Gourdon",
        Request("cahors", "Gourdon", date(2026, 11, 24), TimeWish(None, time(9))),
    ),
    # Item 10: a morning is hours, not a time.
    (
        "je voudrais aller à cahors demain matin",
        Request("à cahors", None, date(2026, 11, 24), part_wish(DayPart.MORNING)),
    ),
    (
        "12 rue de la République, Cahors demain 9h",
        Request(
            "12 rue de la République, Cahors", None, date(2026, 11, 24), TimeWish(None, time(9))
        ),
    ),
]


@pytest.mark.parametrize(("typed", "understood"), REQUESTS)
def test_requests(typed: str, understood: Request | None) -> None:
    assert read_request(typed, TODAY) == understood


def test_regular_words() -> None:
    assert says_regular("chaque semaine") and says_regular("toutes les semaines, le lundi")
    assert not says_regular("demain")


def test_long_texts_are_not_understood() -> None:
    long = "x" * 5000
    assert read_time_wish(long) is None and read_number(long) is None
    assert read_yes_no(long) is None and read_phone(long) is None
    assert read_place(long) == [] and read_request(long, TODAY) is None


def test_at_least_sixty_phrasings() -> None:
    assert len(TIMES) + len(DAYS) + len(DATES) + len(PLACES) + len(NUMBERS) + len(YES_NO) >= 60


def test_a_strict_no_is_the_whole_answer() -> None:
    assert read_yes_no("Non fumeur") is False
    assert read_yes_no("Non fumeur", strict=True) is None
    assert read_yes_no("non merci", strict=True) is False


@pytest.mark.parametrize(
    ("typed", "understood"),
    [
        ("un autre", True),
        ("un autre Gourdon", True),
        ("pas celui-là", True),
        ("non, pas ce Gourdon", True),
        ("l'autre", True),
        ("another one", True),
        ("un autre lieu", True),
        ("un autre jour peut-être", False),  # a note for passengers, not about the place
        ("Gourdon", False),
    ],
)
def test_another_place(typed: str, understood: bool) -> None:
    assert read_another(typed, "Gourdon") is understood


@pytest.mark.parametrize(
    ("typed", "understood"),
    [("English please", "en"), ("en français", "fr"), ("anglais", "en"), ("Cahors", None)],
)
def test_languages(typed: str, understood: str | None) -> None:
    assert read_language(typed) == understood


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("brive demain 9h", "brive"),
        ("villefranche demain 9h", "villefranche"),
        ("st cere demain 9h", "st cere"),
        ("rdv demain 9h", "rdv"),  # said back as not a place, never a day or a time
    ],
)
def test_a_short_name_is_the_place_of_a_whole_request(typed: str, place: str) -> None:
    request = read_request(typed, TODAY)
    assert request is not None and request.destination == place
    assert (request.day, request.wish) == (date(2026, 11, 24), TimeWish(None, time(9)))
