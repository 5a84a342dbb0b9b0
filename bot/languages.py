"""The languages Mobilot speaks (French first, the default): a module of its own so that
the settings and the files they check (the aids' catalogue) both read it."""

from typing import Literal

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
