"""uvicorn serving the HTTP app inside the bot's event loop (one process, one loop)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Generator

import uvicorn
from starlette.applications import Starlette


class CannotListen(Exception):
    """The address is taken or not ours: a setting to fix."""


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # Ctrl-C and SIGTERM are the bot's: it stops the HTTP side with everything else.
        yield


class HttpServer:
    def __init__(self, app: Starlette, host: str, port: int, *, share: bool = False) -> None:
        config = uvicorn.Config(
            app, host=host, port=port, lifespan="off", access_log=False, log_level="warning"
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self.host, self.port = host, port
        # Several workers on one port (SO_REUSEPORT): the kernel spreads the connections.
        self._share = share

    async def start(self) -> None:
        # Bound here rather than by uvicorn, which exits the whole process when it cannot.
        listening = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        try:
            listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if self._share and hasattr(socket, "SO_REUSEPORT"):
                listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            listening.bind((self.host, self.port))
        except OSError as error:
            listening.close()
            raise CannotListen(
                f"cannot listen on {self.host}:{self.port} ({error.strerror})"
            ) from None
        self._task = asyncio.create_task(self._server.serve(sockets=[listening]), name="http")
        while not self._server.started:
            if self._task.done():
                # uvicorn logs the reason and exits when it cannot bind.
                with contextlib.suppress(BaseException):
                    self._task.result()
                raise CannotListen(f"cannot listen on {self.host}:{self.port}")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(BaseException):
            await self._task
        self._task = None
