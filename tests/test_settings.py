import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, describe_settings_error

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "BOT_TOKEN",
        "OPERATOR_CHAT_ID",
        "TIMEZONE",
        "TERRITORY_DEPARTMENTS",
        "LOCAL_PLACES_FILE",
        "DEFAULT_LANGUAGE",
        "TELEGRAM_API_URL",
        "DATABASE_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def errors_for(**environment: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Settings(**environment)  # type: ignore[arg-type]
    return describe_settings_error(caught.value)


def test_defaults_follow_the_design_notes() -> None:
    settings = Settings()
    assert settings.default_language == "fr"
    assert settings.timezone == "Europe/Paris"
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert (settings.road_factor, settings.average_speed_kmh) == (1.3, 60.0)
    assert (settings.max_detour_minutes, settings.max_detour_ratio) == (15.0, 1.8)
    assert settings.time_tolerance_minutes == 30.0


def test_read_from_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=1:abc\nTERRITORY_DEPARTMENTS=46, 12,2a\n")
    monkeypatch.setenv("OPERATOR_CHAT_ID", "-100123")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    settings = Settings()
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == "1:abc"
    assert settings.operator_chat_id == -100123
    assert settings.territory_departments == ("46", "12", "2A")
    assert settings.telegram_api_url == "http://127.0.0.1:8081"


def test_a_chat_id_that_is_not_a_number_is_named() -> None:
    [line] = errors_for(operator_chat_id="operators")
    assert line.startswith("Setting OPERATOR_CHAT_ID:")


def test_an_unknown_timezone_is_named() -> None:
    [line] = errors_for(timezone="Europe/Cahors")
    assert line.startswith("Setting TIMEZONE:") and "Europe/Cahors" in line


def test_a_missing_places_file_is_named(tmp_path: Path) -> None:
    [line] = errors_for(local_places_file=str(tmp_path / "nope.csv"))
    assert line.startswith("Setting LOCAL_PLACES_FILE:") and "does not exist" in line


def test_bad_department_and_language() -> None:
    assert errors_for(territory_departments="46,Lot")[0].startswith(
        "Setting TERRITORY_DEPARTMENTS:"
    )
    assert errors_for(default_language="de")[0].startswith("Setting DEFAULT_LANGUAGE:")


def run_bot(tmp_path: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **environment}
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_start_without_token_and_a_busy_try_port_says_so(tmp_path: Path) -> None:
    # Without a token the start is try mode (tests/test_try_page.py runs it for real).
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_bot(tmp_path, {"TRY_PORT": str(port)})
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"Setting TRY_PORT: cannot listen on 127.0.0.1:{port}")
    )
    assert "Traceback" not in result.stderr


def test_a_wrong_try_port_is_named() -> None:
    assert errors_for(try_port="80800")[0].startswith("Setting TRY_PORT:")


def test_start_with_a_wrong_setting_prints_one_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "TIMEZONE": "Mars/Olympus"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Setting TIMEZONE: unknown timezone 'Mars/Olympus' (e.g. Europe/Paris)"
    ]


def test_start_with_an_unreachable_api_says_so(tmp_path: Path) -> None:
    # Loopback port 9 (discard) has no Bot API: the start stops with one line, no traceback.
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "TELEGRAM_API_URL": "http://127.0.0.1:9"})
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("Setting TELEGRAM_API_URL: cannot reach http://127.0.0.1:9")
    )
    assert "Traceback" not in result.stderr


def test_start_with_a_broken_places_file_names_the_line(tmp_path: Path) -> None:
    places = tmp_path / "places.csv"
    places.write_text("name,aliases,lat,lon\nGare,,not-a-number,1.4\n")
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "LOCAL_PLACES_FILE": str(places)})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Setting LOCAL_PLACES_FILE:") and "line 2" in line


def test_a_wrong_secret_setting_is_named_but_never_printed_back() -> None:
    [line] = errors_for(database_url="mysql://mobilot:hunter2@db/mobilot")
    assert line.startswith("Setting DATABASE_URL:") and "postgresql://" in line
    assert "hunter2" not in line
    [port] = errors_for(http_port="huit mille")
    assert "'huit mille'" in port  # an ordinary setting still shows what was read
