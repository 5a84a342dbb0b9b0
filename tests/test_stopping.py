"""The background tasks stop when asked, whenever they are asked: even woken a moment before
(on Python 3.11, `asyncio.wait_for` around their wait swallowed a cancellation that came just
as the wait ended, and `stop()` then waited for ever)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest

from tests.conftest import RunningBot, eventually


async def stops(stop: Coroutine[Any, Any, None], *background: asyncio.Task[None] | None) -> None:
    """`stop()` returns (a generous real time allowed); if not, the background tasks are
    cancelled again, so that the test fails instead of hanging."""
    stopping = asyncio.ensure_future(stop)
    await asyncio.wait([stopping], timeout=10)
    hung = not stopping.done()
    for task in background:
        if task is not None:
            task.cancel()
    await stopping
    assert not hung, "stop() did not return: the cancellation was lost"


@pytest.mark.parametrize("turns", range(5))
async def test_the_deliverer_stops_even_when_woken_just_before(bot: RunningBot, turns: int) -> None:
    deliverer = bot.app.deliverer
    deliverer.start()
    await eventually(lambda: bool(deliverer._wake._waiters))  # type: ignore[attr-defined]
    deliverer.wake()
    for _ in range(turns):  # the wait ends, and the loop is about to go on
        await asyncio.sleep(0)
    await stops(deliverer.stop(), deliverer._task)  # type: ignore[attr-defined]


@pytest.mark.parametrize("turns", range(5))
async def test_the_update_runner_stops_even_when_woken_just_before(
    bot: RunningBot, turns: int
) -> None:
    updates = bot.app.updates
    updates.start(polling=False)
    await eventually(lambda: bool(updates._wake._waiters))  # type: ignore[attr-defined]
    updates._wake.set()  # an update recorded
    for _ in range(turns):
        await asyncio.sleep(0)
    await stops(updates.stop(), *updates._tasks)  # type: ignore[attr-defined]
