"""A choice among buttons, said in words or by its number."""

from __future__ import annotations

from bot.understand.words import MAX_TEXT, _mentions, fold, read_yes_no

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
