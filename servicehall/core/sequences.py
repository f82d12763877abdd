"""Gapless counters (ticket, order, receipt and invoice numbers) in one statement.

A counter is a row of a model with the key columns and an integer column `last`. The next value is
taken with `INSERT … ON CONFLICT … DO UPDATE SET last = last + 1 RETURNING last` (PostgreSQL and
SQLite 3.35+): the row lock is held only until the caller's transaction ends, so concurrent callers
queue on it and never share a number, and a caller that rolls back gives its number back.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def sequence_next(*, model: type[models.Model], key: dict[str, Any]) -> int:
    """The next value of the counter of `model` identified by `key` (column name → value); 1 the first time."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [_column(model, name) for name in key]
    names = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}, last) VALUES ({placeholders}, 1) "  # noqa: S608 - quoted names only
            f"ON CONFLICT ({names}) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [getattr(value, "pk", value) for value in key.values()],
        )
        return int(cursor.fetchone()[0])
