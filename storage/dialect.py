"""The few SQL expressions that SQLite and PostgreSQL write differently, side by side.

The repositories' SQL is otherwise the same on both engines (``RETURNING``, ``ON CONFLICT``,
``substr``, ``COALESCE``). Each engine's ``Database`` carries its dialect
(``database.dialect``); a repository that needs one of these asks it for the text.
Dates and times are stored as ISO text on both engines (the schema is SQLite's), so these
read ISO text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str

    def weekday(self, iso_date: str) -> str:
        """The weekday of an ISO date, Monday = 0."""
        if self.name == "sqlite":
            # strftime's %w counts from Sunday = 0
            return f"((CAST(strftime('%w', {iso_date}) AS INTEGER) + 6) % 7)"
        # ISODOW counts from Monday = 1
        return f"(CAST(EXTRACT(ISODOW FROM CAST({iso_date} AS date)) AS INTEGER) - 1)"

    def day_number(self, iso_date: str) -> str:
        """An ISO date as Python's proleptic ordinal (0001-01-01 is 1); NULL stays NULL."""
        if self.name == "sqlite":
            return f"CAST(julianday({iso_date}) - 1721424.5 AS INTEGER)"
        return f"(CAST({iso_date} AS date) - DATE '0001-01-01' + 1)"

    def json_integer(self, column: str, *path: str) -> str:
        """An integer inside a JSON text column (NULL when absent)."""
        if self.name == "sqlite":
            return f"json_extract({column}, '$.{'.'.join(path)}')"
        # the column is TEXT on both engines: cast it, then read the path as text
        return f"CAST(CAST({column} AS jsonb) #>> '{{{','.join(path)}}}' AS BIGINT)"

    def json_list_of_objects(self, *pairs: str) -> str:
        """An aggregate: a JSON array of one object per row, from key, value, key, value…"""
        if self.name == "sqlite":
            return f"json_group_array(json_object({', '.join(pairs)}))"
        # json_agg of no row is NULL where json_group_array gives '[]'
        return f"COALESCE(json_agg(json_build_object({', '.join(pairs)})), '[]')::text"

    def waiting_needs_in_box(
        self, box: tuple[float, float, float, float]
    ) -> tuple[str, str, tuple[float, ...]]:
        """FROM and WHERE that find the waiting needs whose two ends lie in ``box`` (min_lat,
        max_lat, min_lon, max_lon) through the spatial index of migration 0014, and their
        parameters. ``n`` is the need."""
        min_lat, max_lat, min_lon, max_lon = box
        if self.name == "sqlite":
            # the R*Tree is a table of its own; CROSS JOIN keeps it as the outer loop (SQLite
            # does not reorder it)
            return (
                "waiting_need_points p CROSS JOIN needs n ON n.id = p.need_id",
                "p.origin_lat_high >= ? AND p.origin_lat_low <= ?"
                " AND p.origin_lon_high >= ? AND p.origin_lon_low <= ?"
                " AND p.destination_lat_high >= ? AND p.destination_lat_low <= ?"
                " AND p.destination_lon_high >= ? AND p.destination_lon_low <= ?",
                (min_lat, max_lat, min_lon, max_lon) * 2,
            )
        # a partial GiST index on the needs' two ends, as points (lat, lon)
        return (
            "needs n",
            "point(n.origin_lat, n.origin_lon) <@ box(point(?, ?), point(?, ?))"
            " AND point(n.destination_lat, n.destination_lon) <@ box(point(?, ?), point(?, ?))",
            (min_lat, min_lon, max_lat, max_lon) * 2,
        )


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")
