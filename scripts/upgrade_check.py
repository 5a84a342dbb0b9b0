"""How many old buttons and conversations in progress of a database made before issue 20 still
work: replays tests/data/before_conversations/ (made by scripts/make_upgrade_fixture.py with the
code before the change) on the code of today and prints what each person got, then the counts.

    uv run python scripts/upgrade_check.py

It runs tests/test_upgrade.py (which keeps the expectations true) and shows what it prints.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_upgrade.py",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    shown = [line for line in lines if line.strip() and not line.startswith(("tests/", "="))]
    print("\n".join(shown))
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
