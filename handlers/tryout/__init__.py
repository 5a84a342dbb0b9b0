"""Try mode: Mobilot without Telegram, on a local page (started when BOT_TOKEN is not set).

The real bot (bot/app.py's `create_bot`, every handler) talks over loopback HTTP to a stand-in
for the Bot API (`botapi.py`, the same one the tests play; by job `telegram_html.py`,
`chats.py`, `methods.py`, `faults.py`), served by the bot's own HTTP side
(`standin.py`). The page (`page.py`, `static/`) shows the stand-in's chats side by side and
writes, presses and shares as the people there would. `clock.py` is the movable clock,
`demo.py` the demo territory. bot/try_mode.py puts them together.
"""
