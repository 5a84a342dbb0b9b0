"""The button codec: one registry of kinds (a prefix is declared once), typed fields, and
the same bytes as the encoder of earlier versions, so buttons already in chats still work."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from handlers import keyboards as kb


def old_encode(kind: str, *parts: object) -> str:
    """The encoder of the versions before the typed codec, as it was."""
    return ":".join([kind, *(str(part) for part in parts)])


def test_a_prefix_is_declared_once() -> None:
    class Other(NamedTuple):
        subject: int

    with pytest.raises(ValueError, match="two kinds of button"):
        kb.ButtonKind("nd", Other)  # the passengers' needs already have it
    assert kb.REGISTRY["nd"] is kb.NEED
    # Every kind the handlers use is in the registry, each with its own prefix.
    assert {
        "of",
        "fd",
        "nd",
        "in",
        "tr",
        "op",
        "st",
        "lg",
        "rd",
        "tc",
        "bk",
        "sh",
        "pg",
        "ai",
        "ap",
        "ar",
        "ak",
        "pv",
        "ts",
    } <= set(kb.REGISTRY)


@pytest.mark.parametrize(
    ("kind", "parts", "read"),
    [
        (kb.NEED, (12, "ask", 34), kb.SubjectAction(12, "ask", "34")),
        (kb.NEED, (12, "cancel", "yes"), kb.SubjectAction(12, "cancel", "yes")),
        (kb.NEED, (12, "team"), kb.SubjectAction(12, "team")),
        (kb.INTRO, (7, "yes"), kb.SubjectAction(7, "yes")),
        (kb.INTRO, (7, "withdraw", "yes"), kb.SubjectAction(7, "withdraw", "yes")),
        (kb.TRIP, (5, "seats", 3), kb.SubjectAction(5, "seats", "3")),
        (kb.OPERATOR, (9, "close", "no_driver"), kb.SubjectAction(9, "close", "no_driver")),
        (kb.RIDE, (4, "no_show"), kb.SubjectAction(4, "no_show")),
        (kb.CHECK, (5, "delete", "yes"), kb.SubjectAction(5, "delete", "yes")),
        (kb.BOOKING, (123456789012, "off_yes"), kb.SubjectAction(123456789012, "off_yes")),
        (kb.SHARE, (8,), kb.Share(8)),
        (kb.SHARE, (8, "off"), kb.Share(8, "off")),
        (kb.PAGE, ("needs", 2), kb.Page("needs", 2)),
        (kb.LANGUAGE, ("en",), kb.Choice("en")),
        (kb.PRIVACY, ("forget", "yes", 42), kb.PrivacyButton("forget", "yes", 42)),
        (kb.PRIVACY, ("forget", "no"), kb.PrivacyButton("forget", "no")),
        (kb.PRIVACY, ("stay", 42), kb.PrivacyButton("stay", "42")),
    ],
)
def test_old_buttons_read_as_typed_fields_and_are_written_the_same(
    kind: kb.ButtonKind[tuple[object, ...]], parts: tuple[object, ...], read: tuple[object, ...]
) -> None:
    data = old_encode(kind.prefix, *parts)
    assert kind.read(data) == read
    assert kind.write(read) == data == kb.encode(kind, *parts)
    assert len(data.encode()) <= 64


def test_what_is_not_a_button_of_the_kind_reads_as_none() -> None:
    assert kb.NEED.read("nd:abc:ask") is None  # not a record id
    assert kb.NEED.read("nd:12") is None  # no action
    assert kb.NEED.read("in:12:yes") is None  # another kind
    assert kb.NEED.read("nd:12:ask:3:4") is None  # more than it holds
    assert kb.NEED.read(None) is None and kb.NEED.read("nd:²:ask") is None
