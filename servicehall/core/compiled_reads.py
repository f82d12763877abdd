"""Reads whose SQL is compiled once per process (issue 17: the queue's hot path).

Turning a queryset into SQL is a large part of the ORM's cost: on the queue's hot path (sign-in with the
user's halls, the counter's lock, the next ticket, the ticket's lock) the compile alone took about half of
each read's CPU, and the SQL came out the same every time with other values in it. A `CompiledRead` is
written as an ordinary queryset, built by a function of its named values. The first run on a database
compiles it (twice, with two sets of stand-in values, to find where each named value goes among the
statement's parameters); every later run executes that SQL with the new values, and Django's own model
iteration builds the instances from the rows — `select_related`, annotations and converters as usual.

What is kept per process is only the SQL, the place of each value and the compiler's column map: nothing of
the data, so there is nothing to invalidate. The guards:

- the two compiles must give the same SQL and differ exactly where a named value goes (a value the
  statement transforms, or that changes its shape, is refused at the first run, not misread later);
- a value is prepared for the database by the model field named for it, as a filter on that field would;
- `select_for_update` is still refused outside a transaction, where the database has it;
- only whole reads (`fetch`: every row; `first`) are offered: no further filtering of a compiled read.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.query import Query
from django.db.transaction import TransactionManagementError

# Stand-in values far from any real one: large numbers, marked strings, fresh UUIDs and odd instants.
_stand_in_counter = itertools.count(1)


def _stand_in(field: Any, variant: int, connection: Any) -> Any:
    n = next(_stand_in_counter)
    if field.is_relation:  # a foreign key takes its target's values
        field = field.target_field
    internal = field.get_internal_type()
    if internal in {"UUIDField"}:
        return uuid.uuid4()
    if internal in {"DateTimeField"}:
        return dt.datetime(1901, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n * 7 + variant)
    if internal in {"DateField"}:
        return dt.date(1901, 1, 1) + dt.timedelta(days=n * 3 + variant)
    if internal.endswith("IntegerField") or internal in {"AutoField", "BigAutoField", "SmallAutoField"}:
        # Near the top of what the column holds here (a number past it would make the ORM drop the filter).
        _low, high = connection.ops.integer_field_range(internal)
        return min(high or 2_000_000_000, 2_000_000_000) - n * 10 - variant
    if internal in {"CharField", "TextField", "SlugField"}:
        return f"\x1fcompiled-read-{n}-{variant}\x1f"
    raise TypeError(f"CompiledRead: no stand-in value for a {internal}")


@dataclass(frozen=True)
class _Plan:
    sql: str
    # For each parameter of the statement: the name of the value that goes there, or None and the literal.
    slots: tuple[tuple[str | None, Any], ...]
    for_update: bool
    # What Django's model iteration reads from the compiler after it has run the SQL.
    select: Any
    klass_info: Any
    annotation_col_map: Any
    col_count: int
    has_extra_select: bool


class _ReplayQuery(Query):
    """A compiled read's query for one run: its compiler answers the plan's SQL with this run's values
    instead of compiling again. Never handed out, so nothing can filter it further."""

    plan: _Plan
    params: tuple[Any, ...]

    def get_compiler(self, using: Any = None, connection: Any = None, elide_empty: bool = True) -> Any:
        compiler = super().get_compiler(using, connection, elide_empty)
        plan, params = self.plan, self.params

        def as_sql(*_args: Any, **_kwargs: Any) -> tuple[str, tuple[Any, ...]]:
            connection = compiler.connection
            if plan.for_update and connection.features.has_select_for_update and not connection.in_atomic_block:
                raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
            return plan.sql, params

        compiler.as_sql = as_sql
        compiler.select = plan.select
        compiler.klass_info = plan.klass_info
        compiler.annotation_col_map = plan.annotation_col_map
        compiler.col_count = plan.col_count
        compiler.has_extra_select = plan.has_extra_select
        return compiler


class CompiledRead:
    """`build(**values)` gives the queryset; `fields` name, for each value, the model field that prepares it.

    >>> SIGN_IN = CompiledRead(lambda key: Membership.objects.filter(user__auth_token__key=key), key=Token.key)
    >>> SIGN_IN.fetch(key="…")
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **fields: Any) -> None:
        self._build = build
        # A model's class attribute (`Token.key`) or the field itself.
        self._fields: dict[str, Any] = {name: getattr(f, "field", f) for name, f in fields.items()}
        self._plans: dict[tuple[str, str], tuple[_Plan, QuerySet[Any]]] = {}
        self._lock = threading.Lock()

    def fetch(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        if values.keys() != self._fields.keys():
            raise TypeError(f"CompiledRead needs exactly {sorted(self._fields)}, got {sorted(values)}")
        connection = connections[using]
        if not self._in_range(connection, values):
            # The ORM answers an integer the database cannot hold without asking it (an empty match, or a
            # full one for some lookups); let it, rather than send the number.
            return list(self._build(**values).using(using))
        plan, template = self._plan(using, connection)
        prepared = {name: self._fields[name].get_db_prep_value(value, connection) for name, value in values.items()}
        params = tuple(prepared[name] if name is not None else literal for name, literal in plan.slots)
        queryset = template._chain()  # type: ignore[attr-defined]
        query = queryset.query
        query.__class__ = _ReplayQuery
        query.plan, query.params = plan, params  # type: ignore[attr-defined]
        return list(queryset)

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Any:
        rows = self.fetch(using=using, **values)
        return rows[0] if rows else None

    def _in_range(self, connection: Any, values: dict[str, Any]) -> bool:
        for name, value in values.items():
            if isinstance(value, int) and not isinstance(value, bool):
                field = self._fields[name]
                field = field.target_field if field.is_relation else field
                low, high = connection.ops.integer_field_range(field.get_internal_type())
                if (low is not None and value < low) or (high is not None and value > high):
                    return False
        return True

    def _plan(self, using: str, connection: Any) -> tuple[_Plan, QuerySet[Any]]:
        key = (using, connection.vendor)
        found = self._plans.get(key)
        if found is None:
            with self._lock:
                found = self._plans.get(key) or self._compile(using, connection)
                self._plans[key] = found
        return found

    def _compile(self, using: str, connection: Any) -> tuple[_Plan, QuerySet[Any]]:
        stand_ins = [
            {name: _stand_in(field, variant, connection) for name, field in self._fields.items()} for variant in (1, 2)
        ]
        templates = [self._build(**values).using(using) for values in stand_ins]
        if any(t._prefetch_related_lookups for t in templates):  # type: ignore[attr-defined]
            raise TypeError("CompiledRead cannot prefetch: it runs one statement")
        compilers = [t.query.get_compiler(using=using) for t in templates]
        try:
            (sql, params), (sql_b, params_b) = (c.as_sql() for c in compilers)
        except EmptyResultSet as exc:  # a statement that values can empty has no one shape
            raise TypeError("CompiledRead: the statement's shape depends on its values") from exc
        if sql != sql_b or len(params) != len(params_b):
            raise TypeError("CompiledRead: the statement's shape depends on its values")
        prepared = [
            {name: self._fields[name].get_db_prep_value(value, connection) for name, value in values.items()}
            for values in stand_ins
        ]
        slots = tuple(self._slot(a, b, prepared) for a, b in zip(params, params_b, strict=True))
        missing = set(self._fields) - {name for name, _literal in slots}
        if missing:
            raise TypeError(f"CompiledRead: {sorted(missing)} not found among the statement's parameters")
        compiler = compilers[0]
        plan = _Plan(
            sql=sql,
            slots=slots,
            for_update=bool(templates[0].query.select_for_update),
            select=compiler.select,
            klass_info=compiler.klass_info,
            annotation_col_map=compiler.annotation_col_map,
            col_count=compiler.col_count,
            has_extra_select=compiler.has_extra_select,
        )
        return plan, templates[0]

    @staticmethod
    def _slot(a: Any, b: Any, prepared: list[dict[str, Any]]) -> tuple[str | None, Any]:
        if a == b:
            return None, a
        for name, value in prepared[0].items():
            if a == value and b == prepared[1][name]:
                return name, None
        raise TypeError("CompiledRead: a parameter is derived from a value; pass it as a value of its own")
