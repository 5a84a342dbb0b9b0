"""For the standard-covoiturage tests: the OpenAPI documents (copied into specs/), a check
of every answer against them, FabMob's conformance checks, and a fake partner platform."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SPECS = Path(__file__).resolve().parents[1] / "specs"
PREFIX = "/api/covoiturage"
# The documents are used as published: the alpha's own `departureWeekdays` default is a string
# where its schema says array, which the spec linter refuses, so the linter is not run on
# them (requests and responses are still validated against every schema).
_AS_PUBLISHED = Config(spec_validator_cls=None)


def _spec(name: str) -> OpenAPI:
    return OpenAPI.from_file_path(
        str(SPECS / f"standard-covoiturage_openapi.{name}.yaml"), config=_AS_PUBLISHED
    )


# The alpha with PR #49's X-API-Key; the alpha with PR #50 (INITIATED); PR #51's statuses.
ALPHA = _spec("pr49-security-apikey")
PR50 = _spec("pr50-initiated-message")
SPLIT = _spec("pr51-waiting-driver-passenger")
OFFICIAL = _spec("v1.0.0-alpha")


def check(answer: httpx.Response, spec: OpenAPI = ALPHA, *, request_too: bool = True) -> None:
    """The request and the answer as the OpenAPI document says (raises if not)."""
    sent = answer.request
    path = sent.url.path.removeprefix(PREFIX)
    request = MockRequest(
        "http://localhost",
        sent.method.lower(),
        path,
        args=dict(sent.url.params.multi_items()),
        headers=dict(sent.headers),
        data=sent.content or None,
    )
    response = MockResponse(
        answer.content,
        answer.status_code,
        headers=dict(answer.headers),
        content_type=answer.headers.get("content-type", "application/json").split(";")[0],
    )
    if request_too and answer.status_code not in (400, 401):
        spec.validate_request(request)
    spec.validate_response(request, response)
    if spec is ALPHA:  # the same answer reads right in the official alpha too
        OFFICIAL.validate_response(request, response)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def conformance(results: list[dict[str, Any]], query: dict[str, Any], operator: str) -> None:
    """What FabMob's playground asserts of a search answer: radius, timeDelta, count,
    unique ids, the operator."""
    radius_d = float(query.get("departureRadius", 1.0))
    radius_a = float(query.get("arrivalRadius", 1.0))
    delta = int(query.get("timeDelta", 900))
    if "count" in query:
        assert len(results) <= int(query["count"])
    ids = []
    for result in results:
        assert result["operator"] == operator
        assert (
            haversine_km(
                float(query["departureLat"]),
                float(query["departureLng"]),
                result["passengerPickupLat"],
                result["passengerPickupLng"],
            )
            <= radius_d
        )
        assert (
            haversine_km(
                float(query["arrivalLat"]),
                float(query["arrivalLng"]),
                result["passengerDropLat"],
                result["passengerDropLng"],
            )
            <= radius_a
        )
        if "departureDate" in query:
            assert abs(result["passengerPickupDate"] - int(query["departureDate"])) <= delta
            ids.append(result["id"])
        else:
            wanted = _seconds(query["departureTimeOfDay"])
            days = set(query.get("departureWeekdays", "MON,TUE,WED,THU,FRI,SAT,SUN").split(","))
            assert any(
                s["passengerPickupDay"] in days
                and abs(_seconds(s["passengerPickupTimeOfDay"]) - wanted) <= delta
                for s in result["schedules"]
            )
            ids += [j["id"] for s in result["schedules"] for j in s["journeySchedules"]]
    assert len(ids) == len(set(ids)), "ids are unique"


def _seconds(text: str) -> int:
    h, m, s = (int(part) for part in text.split(":")[:3])
    return h * 3600 + m * 60 + s


class FakePartner:
    """Another carpool platform's API on loopback: answers searches as told."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.calls: list[tuple[str, dict[str, str], str | None]] = []
        self.answer: Callable[[str, dict[str, str]], Any] = lambda route, params: []
        self.delay = 0.0
        self.status = 200
        # A slow partner without sleeps: while `held` is an Event not set, searches wait.
        self.held: asyncio.Event | None = None
        self.searching = asyncio.Event()  # set when a search arrives

        async def search(request: Request) -> Response:
            route = request.url.path.rsplit("/", 1)[-1]
            params = dict(request.query_params)
            self.calls.append((route, params, request.headers.get("x-api-key")))
            self.searching.set()
            if self.held is not None:
                await self.held.wait()
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.status != 200:
                return Response(status_code=self.status)
            return JSONResponse(self.answer(route, params))

        self.patches: list[tuple[str, str, str | None]] = []

        async def patch(request: Request) -> Response:
            self.patches.append(
                (
                    request.path_params["booking_id"],
                    request.query_params.get("status", ""),
                    request.headers.get("x-api-key"),
                )
            )
            return Response(status_code=self.status)

        app = Starlette(
            routes=[
                Route("/v1/driver_journeys", search),
                Route("/v1/driver_regular_trips", search),
                Route("/v1/bookings/{booking_id}", patch, methods=["PATCH"]),
            ]
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
