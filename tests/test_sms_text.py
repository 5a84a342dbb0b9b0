"""What a basic phone shows of Mobilot's messages, and what it costs (handlers/sms/text.py)."""

import string

import pytest

from handlers.sms.text import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    choices_hint,
    fold,
    is_gsm7,
    numbered,
    plain,
    segments,
    septets,
    sms,
    yes_no_hint,
)
from i18n import LANGUAGES, Translator, load_catalog, placeholders

# Messages as the catalogues write them (their keys in comments), and what a phone shows.
CATALOGUE_MESSAGES = [
    # offer.saved (fr)
    (
        "✅ <b>Trajet enregistré !</b>\n{trip}\n\nMerci ! Je vous préviendrai quand quelqu'un aura besoin de faire la route avec vous. Vos trajets : /mestrajets",
        "Trajet enregistré !\n{trip}\n\nMerci ! Je vous préviendrai quand quelqu'un aura besoin de faire la route avec vous. Vos trajets : /mestrajets",
    ),
    # trips.item (fr)
    (
        "{route}\n📅 {schedule}\n💺 {seats} · {status}\n{note}",
        "{route}\n{schedule}\n{seats} · {status}\n{note}",
    ),
    # contact.profile_of (fr): a link becomes its text
    ('<a href="tg://user?id={user_id}">{name}</a> sur Telegram', "{name} sur Telegram"),
    # interop.their_link (en)
    (' — <a href="{url}">see it on {platform}</a>', "— see it on {platform}"),
    # offer.ask_phone (fr and en): a picture inside quotes
    (
        "Appuyez sur le bouton « 📞 Partager mon numéro » en bas de l'écran. Il ne sera montré qu'aux passagers que vous acceptez.",
        "Appuyez sur le bouton « Partager mon numéro » en bas de l'écran. Il ne sera montré qu'aux passagers que vous acceptez.",
    ),
    (
        "Press the “📞 Share my number” button at the bottom of the screen. It will only be shown to passengers you accept.",
        "Press the “Share my number” button at the bottom of the screen. It will only be shown to passengers you accept.",
    ),
    # behalf.caller_shown (fr): pictures in the middle of a line
    (
        "👤 {name} · 📞 {phone} (donné lors d'une mise en relation)",
        "{name} · {phone} (donné lors d'une mise en relation)",
    ),
    # digest.need (fr): a bullet
    (
        "• n° {id} {passenger} — {origin} → {destination}, {when} · {state}",
        "- n° {id} {passenger} — {origin} → {destination}, {when} · {state}",
    ),
    # transit.services (en): a variation selector after a symbol
    (
        "ℹ️ Good to know, other services go that way:\n{lines}",
        "Good to know, other services go that way:\n{lines}",
    ),
    # special.companion (fr): a sequence joined by zero-width joiners
    ("🧑\u200d🤝\u200d🧑 Un accompagnant", "Un accompagnant"),
]


@pytest.mark.parametrize(("html", "shown"), CATALOGUE_MESSAGES)
def test_catalogue_messages_lose_their_markup_and_pictures(html: str, shown: str) -> None:
    assert plain(html) == shown


def test_plain_keeps_lines_and_reads_entities() -> None:
    html = (
        "<b>Départ</b> : <i>Cahors</i>   \n"
        "<code>AB-12</code><br>ligne suivante\n"
        "\n\n\n"
        "<blockquote>Je serai devant la mairie.</blockquote>Merci &amp; à bientôt &lt;3\n"
        "<pre>tel 06</pre>\n"
    )
    assert plain(html) == (
        "Départ : Cahors\n"
        "AB-12\nligne suivante\n"
        "\n"
        "Je serai devant la mairie.\nMerci & à bientôt <3\n"
        "tel 06"
    )


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        ("Bonjour 👋, à demain 🙂.", "Bonjour, à demain."),
        ("Merci 🙂 !", "Merci !"),
        ("(📞 06 12 34 56 78)", "(06 12 34 56 78)"),
        ("Bravo👍Merci", "Bravo Merci"),
        ("Je suis en France 🇫🇷 depuis hier", "Je suis en France depuis hier"),
        ("👍🏽 D'accord", "D'accord"),
        ("👨\u200d👩\u200d👧 Famille", "Famille"),
        ("☎️ Appelez\n⏰ 18h30 ⚠️", "Appelez\n18h30"),
        ("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f England", "England"),
        # A keycap says a number: the digit stays.
        ("1️⃣ Cahors\n2️⃣ Figeac", "1 Cahors\n2 Figeac"),
        ("", ""),
    ],
)
def test_plain_takes_pictures_away_with_their_space(html: str, shown: str) -> None:
    assert plain(html) == shown


# Every letter of French with an accent, and what a phone shows of it: GSM-7 has some (à é è
# ù ä ö ü æ, capitals É Ç Ä Ö Ü Æ), the others lose their accent.
FRENCH_LETTERS = {
    "à": "à", "â": "a", "ä": "ä", "ç": "c", "é": "é", "è": "è", "ê": "e", "ë": "e",
    "î": "i", "ï": "i", "ô": "o", "ö": "ö", "ù": "ù", "û": "u", "ü": "ü", "ÿ": "y",
    "œ": "oe", "æ": "æ",
    "À": "A", "Â": "A", "Ä": "Ä", "Ç": "Ç", "É": "É", "È": "E", "Ê": "E", "Ë": "E",
    "Î": "I", "Ï": "I", "Ô": "O", "Ö": "Ö", "Ù": "U", "Û": "U", "Ü": "Ü", "Ÿ": "Y",
    "Œ": "OE", "Æ": "Æ",
}  # fmt: skip


@pytest.mark.parametrize(("letter", "shown"), FRENCH_LETTERS.items())
def test_fold_writes_every_french_letter_in_gsm7(letter: str, shown: str) -> None:
    assert fold(letter) == shown
    assert fold(f"x{letter}y") == f"x{shown}y"


def test_fold_on_french_words() -> None:
    assert fold("Noël à L'Haÿ-les-Roses, cœur d'Œdipe, Français, PÂQUES, À BIENTÔT") == (
        "Noel à L'Hay-les-Roses, coeur d'OEdipe, Francais, PAQUES, A BIENTOT"
    )
    # Decomposed accents (as some phones and keyboards send them) are read the same.
    assert fold("e\u0302te\u0301") == "eté"
    # Other names met here lose their accent too.
    assert fold("José Łukasz Ángela Dvořák") == "José Lukasz Angela Dvorak"


def test_fold_writes_typography_in_ascii() -> None:
    assert fold("l’arrêt ‘Gare’") == "l'arret 'Gare'"
    assert fold("« Cahors » “Figeac”") == '"Cahors" "Figeac"'
    assert fold("9h — 10h – 11h…") == "9h - 10h - 11h..."
    assert fold("n°\u00a012\u202f: 3 × 2\u2009km") == "no 12 : 3 x 2 km"
    assert fold("Cahors → Figeac, Figeac ← Cahors") == "Cahors -> Figeac, Figeac <- Cahors"
    assert fold("2 places · en pause\n• Gare") == "2 places - en pause\n- Gare"
    # Invisible characters go without a trace.
    assert fold("Saint-\u00adCirq\u200b") == "Saint-Cirq"


def test_fold_keeps_gsm7_text_as_it_is() -> None:
    everything = "".join(sorted(GSM7_BASIC | GSM7_EXTENSION))
    assert fold(everything) == everything
    assert fold("Prix : 3 € [env.] {x} ~ ^ \\ |  deux espaces  ") == (
        "Prix : 3 € [env.] {x} ~ ^ \\ |  deux espaces  "
    )


def test_fold_drops_what_has_no_gsm7_likeness() -> None:
    assert fold("Иван Petrov") == "Petrov"
    assert fold("a ✱ b ✱✱ c✱.") == "a b c."
    assert fold("冷 ✱") == ""


def test_nothing_folded_is_outside_gsm7() -> None:
    every_character = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000)
    assert is_gsm7(fold(every_character))


def test_the_tables_are_gsm_03_38() -> None:
    assert len(GSM7_BASIC) == 127  # 128 positions, less the escape
    assert set(string.ascii_letters + string.digits) <= GSM7_BASIC
    assert set("àèéùìòÇÉäöüñÄÖÜÑÅåØøÆæß£$¥@§") <= GSM7_BASIC
    assert not set("âêîôûçëïœÀ`") & (GSM7_BASIC | GSM7_EXTENSION)
    assert GSM7_EXTENSION == set("€[]{}~^\\|")


def test_length_in_septets() -> None:
    assert septets("") == 0
    assert septets("Cahors") == 6
    assert septets("3 € [x]") == 10
    assert is_gsm7("Répondez 1 ou 2 €")
    assert not is_gsm7("Répondez 1 ou 2 🙂") and not is_gsm7("grâce")
    with pytest.raises(ValueError):
        septets("grâce")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("a" * 159 + "€", 2),
        ("a" * 158 + "€", 1),
        # Two segments of 153; the escape and its character never split across two.
        ("a" * 152 + "€" + "a" * 151, 2),
        ("a" * 152 + "€" + "a" * 152, 3),
        # One character outside GSM-7, and the whole text is UCS-2.
        ("â" * 70, 1),
        ("â" * 71, 2),
        ("a" * 69 + "â", 1),
        ("a" * 70 + "â", 2),
        ("â" * 134, 2),
        ("â" * 135, 3),
        ("🙂" * 35, 1),
        ("🙂" * 36, 2),
    ],
)
def test_segments_at_the_boundaries(text: str, count: int) -> None:
    assert segments(text) == count


def test_numbered_choices_one_a_line() -> None:
    assert numbered(["Cahors", "Figeac"]) == "1 Cahors\n2 Figeac"
    assert numbered(["Saint-Céré", "Île-d’Yeu", "🔁 Un autre lieu", "Gare\nSNCF"]) == (
        "1 Saint-Céré\n2 Ile-d'Yeu\n3 Un autre lieu\n4 Gare SNCF"
    )
    assert numbered([]) == ""


def test_how_to_answer_in_both_languages() -> None:
    t = Translator("fr")
    assert sms(choices_hint(t, "fr", 2)) == "Répondez 1 ou 2"
    assert sms(choices_hint(t, "fr", 3)) == "Répondez 1, 2 ou 3"
    assert sms(choices_hint(t, "en", 2)) == "Reply 1 or 2"
    assert sms(choices_hint(t, None, 1)) == "Répondez 1"
    assert sms(yes_no_hint(t, "fr")) == "Répondez OUI ou NON"
    assert sms(yes_no_hint(t, "en")) == "Reply YES or NO"
    with pytest.raises(ValueError):
        choices_hint(t, "fr", 0)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("filled", [False, True])
def test_every_message_of_every_catalogue_goes_out_in_gsm7(language: str, filled: bool) -> None:
    """Whatever a message holds (HTML, emoji, French typography), its SMS is GSM-7."""
    t = Translator("fr")
    for key, template in load_catalog(language).items():
        if filled:
            html = t(language, key, **dict.fromkeys(placeholders(template), "x"))
        else:
            html = template
        text = sms(html)
        assert is_gsm7(text), (key, text)
        assert "<" not in text.replace("<-", "").replace("<3", ""), (key, text)
