"""Turning a typed place name into comparison keys.

``tokens("St-Cirq  Lapopie")`` → ``["saint", "cirq", "lapopie"]``: lower case, accents and
ligatures folded (œ → oe), anything that is not a letter or a digit (hyphens, apostrophes,
dots, slashes, emoji) is a separator, and the usual abbreviations are spelled out ("St", "Ste",
"Mt", "s/" for "sur").

A *key* is the tokens joined without separators, so spacing never matters: "Saint Cirq la
Popie", "saint-cirq-lapopie" and "St Cirq Lapopie" share the key ``saintcirqlapopie``. A name
starting with an article has two keys, with and without it ("Le Vigan" → ``vigan`` and
``levigan``), and so has a query: "Vigan", "Le Vigan" and "Levigan" all find Le Vigan.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.folding import fold

ARTICLES = frozenset({"le", "la", "les", "l", "aux", "las", "los"})

ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "mt": "mont",
}

# Words that do not start a meaningful part of a name ("...-de-...", "...-sur-...").
LINK_WORDS = frozenset(
    {
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "las",
        "le",
        "les",
        "lez",
        "los",
        "sous",
        "sur",
    }
)


def tokens(text: str) -> list[str]:
    """Folded words with abbreviations spelled out."""
    words = fold(text).split()
    for i, word in enumerate(words):
        full = ABBREVIATIONS.get(word)
        if full is not None:
            words[i] = full
        elif word == "s" and 0 < i < len(words) - 1:  # "Villeneuve-s/-Lot"
            words[i] = "sur"
    return words


def compact(text: str) -> str:
    """The key of a text with its article kept: ``compact("L'Hospitalet") == "lhospitalet"``."""
    return "".join(tokens(text))


def forms(words: Sequence[str]) -> Iterator[tuple[Sequence[str], bool]]:
    """The word sequences a name is indexed under, with ``is_tail``: the name without its
    leading article, the name with it, then (tails) the name from each meaningful word on,
    for partial matches: "Saint-Cirq-Lapopie" → ``cirq lapopie``, ``lapopie``."""
    if not words:
        return
    start = 0
    if len(words) > 1 and words[0] in ARTICLES:
        start = 1
        yield words[1:], False
    yield words, False
    for i in range(start + 1, len(words)):
        word = words[i]
        if len(word) >= 3 and word not in LINK_WORDS and not word.isdigit():
            yield words[i:], True


def keys_of(words: Sequence[str]) -> tuple[str, ...]:
    """Keys of tokenised words: without the leading article first, then with it."""
    return tuple("".join(form) for form, tail in forms(words) if not tail)


def boundaries(words: Sequence[str]) -> int:
    """Bit n set when a word of ``words`` ends n letters into their key (n < 64)."""
    mask, length = 0, 0
    for word in words:
        length += len(word)
        if length >= 64:
            break
        mask |= 1 << length
    return mask


def slug(text: str) -> str:
    """``"Centre hospitalier de Cahors"`` → ``"centre-hospitalier-de-cahors"``."""
    return "-".join(tokens(text))
