"""Mobilot's messages as texts a basic phone shows, at the price of as few segments as possible.

The catalogues are written for Telegram: HTML (`<b>`, `<a href>`, entities), emoji at the start
of lines, French typography. An SMS is plain text, and one character outside the GSM 03.38
alphabet (an emoji, "ê", "’") sends the whole text as UCS-2: 70 characters a segment instead
of 160, each segment paid. So a message goes out as `sms(html)`: `plain` (no HTML, no emoji),
then `fold` (every character to its nearest in GSM-7, nothing left outside it).

Pure functions, no input or output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html.parser import HTMLParser

from babel.lists import format_list

from i18n import Translator

# GSM 03.38, the basic table (3GPP TS 23.038 §6.2.1): 128 positions, less 0x1B, the escape
# to the extension table. Each of these costs one septet.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table's characters that phones show: the escape and the character, two
# septets each. (Its form feed is left out: a page break has no place in a text.)
GSM7_EXTENSION = frozenset("^{}\\[~]|€")
GSM7 = GSM7_BASIC | GSM7_EXTENSION

# One segment holds 160 septets, or 70 UTF-16 units in UCS-2; a text in several segments
# gives 7 septets (3 units) of each to the header that joins them again.
SINGLE_GSM7, PART_GSM7 = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67


# --- Emoji and pictographs -------------------------------------------------------------------

# Unicode's Extended_Pictographic property (emoji-data.txt; these ranges are Perl 5.36's
# \p{Extended_Pictographic}): every emoji, present and reserved, and the older symbols phones
# draw as pictures (© ℹ ↩ ▶ ⏸ ✔ ❌ ☎ ✉ ✏ …).
_EXTENDED_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA),
    (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
    (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB),
    (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x2605),
    (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712),
    (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721),
    (0x2728, 0x2728), (0x2733, 0x2734), (0x2744, 0x2744), (0x2747, 0x2747),
    (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
    (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0),
    (0x27BF, 0x27BF), (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D),
    (0x3297, 0x3297), (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F),
    (0x1F12F, 0x1F12F), (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E),
    (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA),
    (0x1F400, 0x1F53D), (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F),
    (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F),
    (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945),
    (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
)  # fmt: skip
# What joins or dresses emoji: the zero-width joiner, the text and emoji variation selectors,
# the keycap mark, skin tones, regional indicators (flags) and tags (regional flags). A keycap
# "1️⃣" is the digit, the selector and the mark: the digit stays, it is what the keycap says.
_EMOJI_PARTS = (
    (0x200D, 0x200D), (0xFE0E, 0xFE0F), (0x20E3, 0x20E3),
    (0x1F3FB, 0x1F3FF), (0x1F1E6, 0x1F1FF), (0xE0020, 0xE007F),
)  # fmt: skip
# Any other symbol (category So) in the blocks of arrows, technical signs, shapes, dingbats
# and pictographs is a picture too. "→" and "←" are not taken (they are mathematical signs,
# Sm): `fold` writes them "->" and "<-".
_SYMBOL_BLOCKS = ((0x2190, 0x2BFF), (0x1F000, 0x1FBFF))


def _picture_ranges() -> list[tuple[int, int]]:
    points = {c for a, b in (*_EXTENDED_PICTOGRAPHIC, *_EMOJI_PARTS) for c in range(a, b + 1)}
    points |= {
        c
        for a, b in _SYMBOL_BLOCKS
        for c in range(a, b + 1)
        if unicodedata.category(chr(c)) == "So"
    }
    ranges: list[tuple[int, int]] = []
    for c in sorted(points):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return ranges


def _char_class(ranges: list[tuple[int, int]]) -> str:
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


_SPACES = " \t\u00a0\u202f"
_PICTURES = re.compile(rf"[{_SPACES}]*(?:[{_char_class(_picture_ranges())}]+[{_SPACES}]*)+")
# Where a picture goes without leaving a space: after an opening bracket or quote, before a
# closing one or a full stop, comma, ellipsis. (French guillemets are spaced: "« Cahors »".)
_OPENING = "([{“‘\"'"
_CLOSING = ")]}”’.,…"


def _gap(match: re.Match[str], *, between_words: bool) -> str:
    """What is left where `match` (something dropped, and the spaces around it) was: one
    space between words, none at the edge of a line or next to brackets and stops."""
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else "\n"
    after = text[match.end()] if match.end() < len(text) else "\n"
    if "\n" in (before, after) or before in _OPENING or after in _CLOSING:
        return ""
    spaced = any(c in _SPACES for c in match[0])
    glued = between_words and before.isalnum() and after.isalnum()
    return " " if spaced or glued else ""


def _without_pictures(text: str) -> str:
    # "Bravo👍Merci" keeps two words apart.
    return _PICTURES.sub(lambda match: _gap(match, between_words=True), text)


# --- HTML to text ----------------------------------------------------------------------------

# Telegram's block elements: what follows them starts a line.
_BLOCKS = {"blockquote", "pre"}


class _TextOf(HTMLParser):
    """The text of Telegram HTML: tags go (a link leaves its text), entities are read,
    whitespace stays as written (Telegram keeps it), `<br>` is a new line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.line_wanted = False

    def _new_line(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")
        self.line_wanted = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
            self.line_wanted = False
        elif tag in _BLOCKS:
            self._new_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.line_wanted = True

    def handle_data(self, data: str) -> None:
        if self.line_wanted and data:
            self._new_line()
        self.parts.append(data)

    def text(self) -> str:
        return "".join(self.parts)


def plain(html: str) -> str:
    """Telegram HTML as plain text: tags dropped (a link becomes its text), entities read,
    line breaks kept and blank lines never more than one in a row, no trailing spaces, every
    emoji and pictograph gone with the space it leaves, bullets "•" written "-".

    For a whole message: its first and last blank space goes too."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    text = parser.text().replace("\r\n", "\n").replace("\r", "\n")
    text = _without_pictures(text).replace("•", "-")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- Folding to GSM-7 ------------------------------------------------------------------------

# Letters GSM-7 lacks, written as the nearest it has, the accent dropped. What GSM-7 has stays:
# à é è ù ì ò É Ç ä ö ü ñ Ä Ö Ü Ñ å Å ø Ø æ Æ ß. Lowercase "ç" becomes "c" rather than the
# only "Ç" there is: a capital inside a word reads as a mistake.
_LETTERS = {
    # French
    "â": "a", "À": "A", "Â": "A",
    "ç": "c",
    "ê": "e", "ë": "e", "È": "E", "Ê": "E", "Ë": "E",
    "î": "i", "ï": "i", "Î": "I", "Ï": "I",
    "ô": "o", "Ô": "O",
    "û": "u", "Ù": "U", "Û": "U",
    "ÿ": "y", "Ÿ": "Y",
    "œ": "oe", "Œ": "OE",
    # Other Latin letters of names met in France (Spanish, Portuguese, Italian, Nordic…);
    # anything else Latin loses its accent through its Unicode decomposition (see _base).
    "á": "a", "ã": "a", "Á": "A", "Ã": "A",
    "í": "i", "Ì": "I", "Í": "I",
    "ó": "o", "õ": "o", "Ò": "O", "Ó": "O", "Õ": "O",
    "ú": "u", "Ú": "U",
    "ý": "y", "Ý": "Y",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "ı": "i",
}  # fmt: skip

# Typography GSM-7 lacks, as plain ASCII. "°" is "o": in the catalogues it only writes
# "n° 12", and "no 12" is how French abbreviates "numéro" without it ("deg" would give
# "ndeg 12"). "·", which separates items on a line ("2 places · en pause"), is a dash like
# the bullets. "×" is the letter x, as people type it.
_PUNCTUATION = {
    "’": "'", "‘": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'", "‹": "'", "›": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "—": "-", "–": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    "•": "-", "·": "-", "…": "...",
    "→": "->", "⇒": "->", "←": "<-",
    "≤": "<=", "≥": ">=", "×": "x", "÷": "/", "°": "o", "№": "No",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2008": " ", "\u205f": " ",
    "\u3000": " ", "\t": " ",
    # Invisible: a soft hyphen, zero-width spaces and joiners, the byte-order mark.
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}  # fmt: skip

_FOLD = str.maketrans({**_LETTERS, **_PUNCTUATION})
# French guillemets hold their words with spaces ("« Cahors »"); straight quotes do not.
_SPACED_QUOTES = re.compile(r"«[ \u00a0\u202f\u2009]*|[ \u00a0\u202f\u2009]*»")
_OUTSIDE = re.compile(f"[^{_char_class([(ord(c), ord(c)) for c in sorted(GSM7)])}]+")
# What `fold` drops is first marked with NUL (itself outside GSM-7, whose "@" is 0x00), then
# taken out with the spaces around it.
_DROPPED = "\x00"
_DROPPED_RUN = re.compile(r" *\x00[\x00 ]*")


def _base(char: str) -> str:
    """A letter outside GSM-7 as the GSM-7 letters of its decomposition ("ĉ" is "c", "ǆ" is
    "dž", so "dz"); anything else, or a letter with no such decomposition, is dropped."""
    if unicodedata.category(char).startswith("L"):
        letters = "".join(c for c in unicodedata.normalize("NFKD", char) if c in GSM7_BASIC)
        if letters:
            return letters
    return _DROPPED


def _replace_outside(match: re.Match[str]) -> str:
    return "".join(_base(char) for char in match[0])


def fold(text: str) -> str:
    """The text in GSM-7 alone: letters GSM-7 lacks as their nearest ("ê" "e", "œ" "oe"),
    typographic punctuation as ASCII ("’" "'", "« »" '"', "…" "..."), odd spaces as spaces;
    what is still outside GSM-7 after that is dropped, with a space it would leave doubled.
    GSM-7 text comes back as it was; the extension table (€ [ ] { } ~ ^ \\ |) is kept."""
    if is_gsm7(text):
        return text
    text = unicodedata.normalize("NFC", text)
    text = _SPACED_QUOTES.sub('"', text).translate(_FOLD)
    text = _OUTSIDE.sub(_replace_outside, text)
    return _DROPPED_RUN.sub(lambda match: _gap(match, between_words=False), text)


def sms(html: str) -> str:
    """A catalogue message (Telegram HTML) as the text of an SMS."""
    return fold(plain(html))


# --- Size ------------------------------------------------------------------------------------


def is_gsm7(text: str) -> bool:
    """Whether the text goes out in GSM-7 (else the whole of it is UCS-2)."""
    return all(c in GSM7 for c in text)


def septets(text: str) -> int:
    """The length of a GSM-7 text in septets: the extension table's characters take two.
    A text that is not GSM-7 has no length in septets (ValueError)."""
    count = 0
    for char in text:
        if char in GSM7_BASIC:
            count += 1
        elif char in GSM7_EXTENSION:
            count += 2
        else:
            raise ValueError(f"{char!r} is not in GSM-7: the text would go out in UCS-2")
    return count


def segments(text: str) -> int:
    """How many segments the text takes, each paid: in GSM-7 one up to 160 septets, else
    153 to a segment; in UCS-2 (any character outside GSM-7) one up to 70 UTF-16 units, else
    67 to a segment. An empty text is still one.

    A character is never cut in two between segments (an extension character's two septets,
    an emoji's two UTF-16 units), so a segment may hold one less: that is ceil(length / 153)
    (or / 67) unless such a character falls on a boundary, then one more."""
    if is_gsm7(text):
        costs = [2 if c in GSM7_EXTENSION else 1 for c in text]
        single, part = SINGLE_GSM7, PART_GSM7
    else:
        costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part = SINGLE_UCS2, PART_UCS2
    if sum(costs) <= single:
        return 1
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count


# --- Answers by number -----------------------------------------------------------------------


def numbered(labels: Sequence[str], start: int = 1) -> str:
    """Choices to answer by their number, one a line: "1 Cahors\\n2 Figeac". Labels are plain
    text (a place's name, not HTML), folded to GSM-7, each on one line."""
    return "\n".join(
        f"{number} {' '.join(fold(_without_pictures(label)).split())}"
        for number, label in enumerate(labels, start=start)
    )


def choices_hint(t: Translator, lang: str | None, count: int) -> str:
    """ "Répondez 1, 2 ou 3", "Reply 1, 2, or 3": how to answer `count` numbered choices,
    the numbers listed as each language lists alternatives (Babel's "or" style)."""
    if count < 1:
        raise ValueError("there is no choice to answer")
    language = t.language(lang)
    numbers = [str(n) for n in range(1, count + 1)]
    choices = format_list(numbers, style="or", locale=language)
    return t(language, "sms.reply_numbers", choices=choices)


def yes_no_hint(t: Translator, lang: str | None) -> str:
    """ "Répondez OUI ou NON", "Reply YES or NO"."""
    return t(lang, "sms.reply_yes_no")
