"""The tests' fake Bot API is try mode's stand-in for Telegram (handlers/tryout/botapi.py): one
implementation of Telegram's behaviour, played beneath python-telegram-bot in the tests and
over loopback HTTP in try mode."""

from handlers.tryout.botapi import *  # noqa: F403
