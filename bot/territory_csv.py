"""The territory's own CSV files (local places, services, aids, funders, partners), read one
way: UTF-8 (a spreadsheet's BOM allowed), a header naming the columns in any order and any
case (each value is then found under the column's name as the reader spells it), blank lines
and lines starting with "#" skipped, and every error said as "<file>, line N: …" so that
whoever keeps the file finds the line. Each reader then checks its own cells, naming the same
line (`Row.where`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts (a quoted cell may hold several lines)
    cells: dict[str, str]  # column → stripped value, "" when empty
    where: str  # "<file>, line N", to start an error message with

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def read_territory_csv(
    path: Path | str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    others_allowed: bool | Callable[[str], bool] = False,
    error: type[ValueError] = ValueError,
) -> list[Row]:
    """The rows of a territory's file. `optional` lists the other columns read; any other
    column is an error, unless `others_allowed` is True (notes of its keeper) or says it is
    (columns of a family the reader knows, such as translations)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as problem:
        raise error(f"{path}: cannot read the file ({problem.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise error(f"{path}, line {line}: not UTF-8 text (save the file as CSV UTF-8)") from None
    return parse_territory_csv(
        text, str(path), required, optional, others_allowed=others_allowed, error=error
    )


def parse_territory_csv(
    text: str,
    name: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    others_allowed: bool | Callable[[str], bool] = False,
    error: type[ValueError] = ValueError,
) -> list[Row]:
    """The same, from text already read (`name` says where it came from)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[Row] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as problem:
            raise error(f"{name}, line {start}: {problem}") from None
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _header(cells, name, line, required, optional, others_allowed, error)
            continue
        if cells[0].strip().startswith("#"):
            continue
        if len(cells) != len(header):
            raise error(
                f"{name}, line {line}: {len(cells)} fields instead of {len(header)} "
                "(a comma inside a value needs the value in double quotes)"
            )
        values = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        rows.append(Row(line, values, f"{name}, line {line}"))
    if header is None:
        raise error(f"{name}: empty file (expected a header naming {','.join(required)})")
    return rows


def _header(
    cells: list[str],
    name: str,
    line: int,
    required: Sequence[str],
    optional: Sequence[str],
    others_allowed: bool | Callable[[str], bool],
    error: type[ValueError],
) -> list[str]:
    """The columns, each as the reader spells it; the header checked."""
    spelled = {column.lower(): column for column in [*required, *optional]}
    typed = [cell.strip() for cell in cells]
    header = [spelled.get(column.lower(), column) for column in typed]
    missing = [column for column in required if column not in header]
    if missing:
        raise error(f"{name}, line {line}: missing columns {', '.join(missing)}")
    if others_allowed is not True:
        unknown = [
            column
            for column in header
            if column.lower() not in spelled and not (others_allowed and others_allowed(column))
        ]
        if unknown:
            raise error(f"{name}, line {line}: unknown columns {', '.join(unknown)}")
    return header
