"""What people mean when they type their own words where the bot offers buttons.

Pure functions, French and English side by side (people mix them, and a word of one is
never a different answer in the other): a time with its "before / after" ("avant 9h"), a
number of seats ("trois places"), yes or no, a phone number, weekdays said casually ("ben
comme d'habitude, en semaine"), a place with its preposition ("au Vigan") or a landmark
("gare de figeac"), a purpose, special needs, a choice among buttons, and a whole request
typed at once ("cahors demain 9h"). Each gives None when the words do not clearly say it:
the bot then asks again rather than guess.
"""

from bot.understand.choice import read_choice
from bot.understand.days import (
    next_week,
    read_date,
    read_day_and_time,
    read_regular_days,
    read_weekdays,
    says_hello,
    says_next_week,
    says_regular,
)
from bot.understand.keywords import Keyword, read_keyword, says_offering
from bot.understand.places import LANDMARKS, PlaceWords, landmark_name, read_place
from bot.understand.purpose import PURPOSE_WORDS, SPECIAL_WORDS, read_purpose, read_special_needs
from bot.understand.request import Request, read_request, two_places
from bot.understand.summary import (
    FIELD_WORDS,
    LANGUAGE_WORDS,
    may_say_another,
    read_another,
    read_language,
    read_summary,
)
from bot.understand.times import (
    DAY_PARTS,
    DayPart,
    TimeWish,
    fit_in,
    part_of,
    part_wish,
    read_time_wish,
    window_minutes,
)
from bot.understand.way_back import BackWish, read_way_back, split_way_back
from bot.understand.words import (
    FILLERS,
    MAX_TEXT,
    NO,
    YES,
    fold,
    read_number,
    read_phone,
    read_yes_no,
    without_fillers,
)

__all__ = [
    "BackWish",
    "DAY_PARTS",
    "DayPart",
    "FIELD_WORDS",
    "FILLERS",
    "Keyword",
    "LANDMARKS",
    "LANGUAGE_WORDS",
    "MAX_TEXT",
    "NO",
    "PURPOSE_WORDS",
    "PlaceWords",
    "Request",
    "SPECIAL_WORDS",
    "TimeWish",
    "YES",
    "fit_in",
    "fold",
    "landmark_name",
    "may_say_another",
    "next_week",
    "part_of",
    "part_wish",
    "read_another",
    "read_choice",
    "read_date",
    "read_day_and_time",
    "read_keyword",
    "read_language",
    "read_number",
    "read_phone",
    "read_place",
    "read_purpose",
    "read_regular_days",
    "read_request",
    "read_special_needs",
    "read_summary",
    "read_time_wish",
    "read_way_back",
    "read_weekdays",
    "read_yes_no",
    "says_hello",
    "says_next_week",
    "says_offering",
    "says_regular",
    "split_way_back",
    "two_places",
    "window_minutes",
    "without_fillers",
]
