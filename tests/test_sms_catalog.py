"""Every SMS Mobilot sends fits the segments it is allowed: one (160 GSM-7 characters) unless
LONGER says otherwise. Each `sms.*` message of the catalogues is checked, filled with long
but ordinary values, as a phone would receive it; a new one is picked up by itself."""

import pytest

from handlers.sms.text import SINGLE_GSM7, is_gsm7, segments, septets, sms
from i18n import LANGUAGES, Translator, load_catalog, placeholders

# Messages allowed more than one segment (each is paid): the key and how many.
LONGER: dict[str, int] = {
    # Coaches and trains: a line each, with where to change (issue 23, item 5).
    "sms.transit_options": 2,
    "sms.transit_direct": 2,
    "sms.transit_one_change": 2,
}

# The longest a placeholder ordinarily gets. A value is one string, or one per language.
SAMPLES: dict[str, str | dict[str, str]] = {
    "name": "Marie-Christine D.",
    "driver": "Marie-Christine D.",
    "passenger": "Marie-Christine D.",
    "person": "Marie-Christine D.",
    "place": "Saint-Cirq-Lapopie",
    "origin": "Saint-Cirq-Lapopie",
    "destination": "Villefranche-de-Rouergue",
    "from": "Saint-Cirq-Lapopie",
    "to": "Villefranche-de-Rouergue",
    "line": {
        "fr": "Marie-Christine D., mercredi 30 décembre vers 18h30",
        "en": "Marie-Christine D., Wednesday 30 December around 18:30",
    },
    "max": "8",
    "schedule": {
        "fr": "du lundi au vendredi, départ à 7h30, retour à 17h45",
        "en": "Monday to Friday, leaving at 7:30, back at 17:45",
    },
    # What the person typed, said back cut to 60 characters (bot/conversations/engine.py echo).
    "text": "Saint-Cirq-Lapopie, a cote de la riviere, pres de l'eglise..",
    "date": {"fr": "mercredi 30 décembre", "en": "Wednesday 30 December"},
    "day": {"fr": "mercredi 30 décembre", "en": "Wednesday 30 December"},
    "time": {"fr": "18h30", "en": "18:30"},
    "when": {"fr": "mercredi 30 décembre à 18h30", "en": "Wednesday 30 December at 18:30"},
    "phone": "06 12 34 56 78",
    "number": "12",
    "count": "12",
    "seats": "4",
    "id": "1234",
    "code": "123456",
    "choices": {"fr": "1, 2, 3 ou 4", "en": "1, 2, 3, or 4"},
    "km": "188",  # a volunteer's ride from home and back (issue 24)
    "allowance": {"fr": "60,16 €", "en": "€60.16"},
    # Coaches and trains (handlers/sms/notices.py).
    "route": "TER Figeac - Cahors",
    "route2": "TER Figeac - Cahors",
    "stop": "Villefranche-de-Rouergue Gare routiere",
    "end": "Villefranche-de-Rouergue Gare routiere",
    "change": "Cahors Gare routiere",
    "eve": {"fr": "mercredi 30 décembre", "en": "Wednesday 30 December"},
    "leaves": {
        "fr": "la veille, mercredi 30 décembre, à 23h50",
        "en": "the day before, Wednesday 30 December, at 23:50",
    },
    "arrival": {"fr": "18h30", "en": "18:30"},
    # The service's name: a territory's, 23 characters at most (tests/test_brand_words.py).
    "service": "Mobilité Vallée du Célé",
    # A territory's example town, as long as one may be (bot/services/brand.py).
    "town": "Yssingeaux",
    "town_typed": "yssingeaux",
    "months": "24",  # how long a need is kept (the consent before a search)
    "change_departure": {"fr": "18h30", "en": "18:30"},
    "lines": {
        "fr": "- Ligne 881 : départ à 8h05, arrêt Saint-Cirq-Lapopie Parking."
        " Arrivée à 8h25, arrêt Cajarc Tour de ville.",
        "en": "- Line 881: leaves at 8:05, stop Saint-Cirq-Lapopie Parking."
        " Arrives at 8:25, stop Cajarc Tour de ville.",
    },
}


# Plural forms come as "sms.x" and "sms.x[1]"…: each form is checked.
SMS_KEYS = {
    key for language in LANGUAGES for key in load_catalog(language) if key.startswith("sms.")
}


def sample(name: str, language: str) -> str:
    if name not in SAMPLES:
        pytest.fail(
            f"no sample for the placeholder {{{name}}}: add its longest ordinary value to "
            "SAMPLES in tests/test_sms_catalog.py"
        )
    value = SAMPLES[name]
    return value if isinstance(value, str) else value[language]


def test_there_are_sms_messages_and_longer_names_only_them() -> None:
    assert {"sms.reply_numbers", "sms.reply_yes_no"} <= SMS_KEYS
    assert set(LONGER) <= SMS_KEYS, "LONGER names a message that no longer exists"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", sorted(SMS_KEYS))
def test_each_sms_fits_its_segments(key: str, language: str) -> None:
    t = Translator("fr")
    template = load_catalog(language)[key]
    values = {name: sample(name, language) for name in placeholders(template)}
    text = sms(t(language, key, **values))
    assert is_gsm7(text), text
    budget = LONGER.get(key, 1)
    assert segments(text) <= budget, (
        f"{key} ({language}) takes {segments(text)} segments, {septets(text)} septets "
        f"(one segment is {SINGLE_GSM7}): shorten it, or allow it in LONGER\n{text}"
    )
