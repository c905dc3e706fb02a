"""What every route module shares: the error responses it declares, public-read security, and
the reads every request makes (RowRead)."""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from plenary.api.errors import Error, NotFound
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting

# What any route may answer besides success: bad input, a refused or unknown token, a refusal,
# something private or absent, and the rate limit.
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 429: Error}

# Public reads accept no credentials at all; the OpenAPI document says so with an empty
# requirement beside the token and session schemes.
ANONYMOUS_ALLOWED = {"security": [{}]}


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    """The responses of a route: its success shape and the shared errors."""
    return {status: ok, **ERRORS}


def visible_meeting(request, slug: str) -> Meeting:
    """The meeting with this slug, with its body and the body's parent, when the caller may see
    it; else a 404 that does not tell a hidden meeting from a missing one."""
    meeting = Meeting.objects.select_related("body__parent").filter(slug=slug).first()
    if meeting is None or not can_view_meeting(request.user, meeting):
        raise NotFound("No meeting matches that slug.")
    return meeting


class RowRead:
    """A read of the row holding a value in a unique column, with the rows its foreign keys point
    at, made on every request of the hottest routes: its SQL is written once per database vendor
    and its rows are made into models here as the ORM makes them (``Model.from_db``, the
    database's converters, the related objects cached as ``select_related`` caches them).

    Building a query costs the ORM far more than running it: a token with its person and their
    organization, or a meeting with its body and that body's parent, took 0.3-0.7 ms to build and
    40-70 µs to run and read. What is read is what the ORM would read, at the moment of the
    request: nothing is kept between requests.

    ``related`` names foreign keys as ``select_related`` does (``"user__organization"``);
    ``where`` adds conditions, each a field's path and the SQL that follows its column
    (``("revoked_at", "IS NULL")``, or ``("user__is_active", "")`` for a true boolean);
    ``many`` reads some columns of a reverse relation too, one row each (``("user__roles",
    ("body", "name"))``), returned beside the model as a set of tuples.
    """

    def __init__(
        self,
        model: type[Model],
        match: str,
        *,
        related: tuple[str, ...] = (),
        where: tuple[tuple[str, str], ...] = (),
        many: tuple[str, tuple[str, ...]] | None = None,
    ) -> None:
        if not model._meta.get_field(match).unique:
            raise ValueError(f"{model.__name__}.{match} is not unique: one row is read.")
        self.model = model
        self.match = match
        self.related = sorted(related, key=lambda path: path.count("__"))  # owners first
        self.where = where
        self.many = many
        self._prepared: dict[str, tuple[str, list, int | None]] = {}

    def _prepare(self, conn) -> tuple[str, list, int | None]:
        """The SQL, how each model's columns become it, and where ``many``'s columns start."""
        quote = conn.ops.quote_name
        aliases, models, outer = {"": "t0"}, {"": self.model}, {"": False}
        tables = [f"{quote(self.model._meta.db_table)} t0"]

        def join(path: str) -> tuple[type[Model], str]:
            if path in aliases:
                return models[path], aliases[path]
            owner_path, _, name = path.rpartition("__")
            owner, owner_alias = join(owner_path)
            field = owner._meta.get_field(name)
            if field.many_to_many:
                raise ValueError(f"{path}: many-to-many relations are not read here.")
            alias = aliases[path] = f"t{len(aliases)}"
            target = models[path] = field.related_model
            if field.concrete:  # a foreign key: one row, or none when it may be null
                outer[path] = field.null or outer[owner_path]
                to = field.target_field.column
                on = f"{owner_alias}.{quote(field.column)} = {alias}.{quote(to)}"
            else:  # a reverse relation: one row per related row, NULLs when there is none
                outer[path] = True
                key = field.field
                on = f"{alias}.{quote(key.column)} = {owner_alias}.{quote(key.target_field.column)}"
            kind = "LEFT OUTER JOIN" if outer[path] else "INNER JOIN"
            tables.append(f"{kind} {quote(target._meta.db_table)} {alias} ON {on}")
            return target, alias

        def column(path: str) -> str:
            owner_path, _, name = path.rpartition("__")
            owner, alias = join(owner_path)
            return f"{alias}.{quote(owner._meta.get_field(name).column)}"

        columns: list[str] = []
        plan = []
        for path in ["", *self.related]:
            model, alias = join(path)
            owner_path, _, name = path.rpartition("__")
            via = models[owner_path]._meta.get_field(name) if path else None
            fields = model._meta.concrete_fields
            cols = [field.get_col(alias) for field in fields]
            converted = [
                (i, col)
                for i, (field, col) in enumerate(zip(fields, cols, strict=True))
                if conn.ops.get_db_converters(col) or field.get_db_converters(conn)
            ]
            pk = len(columns) + fields.index(model._meta.pk)
            names = [field.attname for field in fields]
            plan.append((path, model, names, len(columns), pk, converted, via))
            columns += [f"{alias}.{quote(field.column)}" for field in fields]
        many_start = None
        if self.many is not None:
            many_path, many_names = self.many
            many_start = len(columns)
            columns += [column(f"{many_path}__{name}") for name in many_names]
        conditions = [f"{column(self.match)} = %s"]
        conditions += [f"{column(path)} {sql}".rstrip() for path, sql in self.where]
        sql = (
            f"SELECT {', '.join(columns)} FROM {' '.join(tables)} "  # noqa: S608 - names only
            f"WHERE {' AND '.join(conditions)}"
        )
        return sql, plan, many_start

    def __call__(self, value) -> tuple[Model | None, set[tuple]]:
        """The model whose ``match`` column holds ``value`` (None if none), with its related
        models cached on it, and the set of ``many``'s tuples (empty without ``many``)."""
        conn = connections[DEFAULT_DB_ALIAS]
        prepared = self._prepared.get(conn.vendor)
        if prepared is None:
            prepared = self._prepared[conn.vendor] = self._prepare(conn)
        sql, plan, many_start = prepared
        with conn.cursor() as cursor:
            cursor.execute(sql, [value])
            rows = cursor.fetchall()
        if not rows:
            return None, set()
        row = rows[0]
        objects: dict[str, Model | None] = {}
        for path, model, names, start, pk, converted, via in plan:
            obj = None
            if row[pk] is not None:  # a row a nullable foreign key points at may be missing
                values = list(row[start : start + len(names)])
                for i, col in converted:
                    for convert in [
                        *conn.ops.get_db_converters(col),
                        *col.target.get_db_converters(conn),
                    ]:
                        values[i] = convert(values[i], col, conn)
                obj = model.from_db(conn.alias, names, values)
            objects[path] = obj
            owner = objects.get(path.rpartition("__")[0]) if path else None
            if owner is not None:
                via.set_cached_value(owner, obj)
        many = set()
        if many_start is not None:
            many = {r[many_start:] for r in rows if r[many_start] is not None}
        return objects[""], many
