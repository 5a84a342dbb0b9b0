from pathlib import Path
from tests.phones import TextingBot

async def test_explore(tmp_path: Path, gazetteer) -> None:
    bot = TextingBot(tmp_path, gazetteer)
    await bot.start()
    try:
        for words in ["cahors demain 9h", "oui", "Marie Dupont", "Figeac", "1", "9h", "2", "1"]:
            got = await bot.text("0612345678", words)
            print(f"\n>>> {words}")
            for g in got:
                print("<<<", g.replace("\n", "\n    "))
        print(bot.fake.errors, bot.fake.exceptions)
        print(await bot.rows("select id, status, error, text from sms_inbox"))
    finally:
        await bot.stop()
