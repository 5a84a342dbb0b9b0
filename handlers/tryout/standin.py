"""The Bot API stand-in served over HTTP: `{TELEGRAM_API_URL}/bot{token}/METHOD`, as Telegram.

python-telegram-bot posts its parameters as a form (url-encoded, or multipart with files):
strings as they are, other values JSON-encoded. They are decoded back to what the stand-in
is given in process by python-telegram-bot's RequestData.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from handlers.tryout.botapi import FakeBotAPI

PATH = "/botapi"
# Parameters that are text even when they look like a number or a boolean ("12", "true").
_TEXT = frozenset({"text", "caption", "callback_query_id", "url", "secret_token", "description",
                   "filename", "short_description", "name"})  # fmt: skip
_SCALAR = re.compile(r"-?\d+(\.\d+)?|true|false|null")


class FormData:
    """A form as python-telegram-bot's RequestData holds it (what FakeBotAPI reads)."""

    def __init__(self, parameters: dict[str, Any], files: dict[str, tuple[str, bytes, str]]):
        self.parameters = parameters
        self.multipart_data = files
        self.contains_files = bool(files)


def decode(key: str, value: str) -> Any:
    if key not in _TEXT and _SCALAR.fullmatch(value):
        return json.loads(value)
    return value


def routes(standin: Callable[[], FakeBotAPI]) -> list[BaseRoute]:
    async def call(request: Request) -> Response:
        fake = standin()
        url = f"{fake.api_url}/{request.path_params['path']}"
        if request.method == "GET":
            status, body = await fake.do_request(url, "GET")
            return Response(body, status_code=status)
        parameters: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes, str]] = {}
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    content = await value.read()
                    mime = value.content_type or "application/octet-stream"
                    files[key] = (value.filename or key, content, mime)
                else:
                    parameters[key] = decode(key, value)
        status, body = await fake.do_request(url, "POST", FormData(parameters, files))  # type: ignore[arg-type]
        return Response(body, status_code=status, media_type="application/json")

    return [Route(PATH + "/{path:path}", call, methods=["GET", "POST"])]
