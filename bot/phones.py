"""Phone numbers, one way everywhere: parsed and checked with `phonenumbers` (French numbers by
default), stored in E.164 ("+33612345678"), shown in the national form ("06 12 34 56 78")."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

DEFAULT_REGION = "FR"


def parse_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """The number in E.164, or None when it is not a valid phone number."""
    text = text.strip()
    if not text or len(text) > 40 or any(ch.isalpha() for ch in text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    # Telegram's shared contacts come with the country code but without "+".
    if not text.startswith(("+", "0")) and len(digits) > 10:
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def show_phone(stored: str | None, region: str = DEFAULT_REGION) -> str:
    """ "06 12 34 56 78" for a French number, "+32 470 12 34 56" for a foreign one; a number
    stored before numbers were checked is shown as it is."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, region)
    except NumberParseException:
        return stored
    if not phonenumbers.is_valid_number(number):
        return stored
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def is_mobile(stored: str, region: str = DEFAULT_REGION) -> bool:
    """Whether a number (E.164) can receive texts: a mobile, not a landline."""
    try:
        number = phonenumbers.parse(stored, region)
    except NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
