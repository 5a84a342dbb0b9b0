"""Long lists in pages, so that no message passes Telegram's 4,096 characters whatever the
size of the list: the team's open needs, a person's trips and needs, candidate drivers."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from handlers import keyboards as kb
from i18n import Translator

# Characters of one page, tags included (Telegram counts the text without them): room is
# left for a header and the page's number.
PAGE_LIMIT = 3500
# Items shown at once when each is a message of its own, with its buttons.
ITEMS_PER_PAGE = 5


def chunks(
    items: Sequence[str], limit: int = PAGE_LIMIT, separator: str = "\n\n"
) -> list[list[str]]:
    """The items in as few runs as fit under `limit` characters once joined (an item longer
    than a page is cut, which the catalogs' value limits make theoretical)."""
    found: list[list[str]] = []
    current: list[str] = []
    size = 0
    for item in items:
        item = item if len(item) <= limit else item[: limit - 1] + "…"
        added = len(item) + (len(separator) if current else 0)
        if current and size + added > limit:
            found.append(current)
            current, added = [], len(item)
            size = 0
        current.append(item)
        size += added
    if current or not found:
        found.append(current)
    return found


def pages(items: Sequence[str], limit: int = PAGE_LIMIT, separator: str = "\n\n") -> list[str]:
    """The items joined into pages under `limit` characters each."""
    return [separator.join(run) for run in chunks(items, limit, separator)]


def page_buttons(
    t: Translator, lang: str, name: str, page: int, count: int
) -> InlineKeyboardMarkup | None:
    """ "◀️" / "2 / 9" / "▶️" under a page of `count`; None when there is one page."""
    if count <= 1:
        return None
    row: list[tuple[str, str]] = []
    if page > 0:
        row.append((t(lang, "words.page_previous"), kb.encode(kb.PAGE, name, page - 1)))
    row.append(
        (t(lang, "words.page_of", page=page + 1, count=count), kb.encode(kb.PAGE, name, page))
    )
    if page < count - 1:
        row.append((t(lang, "words.page_next"), kb.encode(kb.PAGE, name, page + 1)))
    return kb.inline(row)


def more_button(t: Translator, lang: str, name: str, page: int) -> InlineKeyboardMarkup:
    """Under a list shown as separate messages: the next ones."""
    return kb.one_button(t(lang, "words.show_more"), kb.encode(kb.PAGE, name, page))


def page_number(data: kb.Callback | None) -> int | None:
    """The page a page button asks for."""
    pressed = kb.PAGE.read(data)
    return pressed.page if pressed is not None else None
