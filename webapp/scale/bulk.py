"""Writing millions of rows quickly, on SQLite and PostgreSQL alike.

Measured on the 2-core machine the benchmark runs on: SQLAlchemy's `execute(insert(t), dicts)`
spends about 75 µs per row of `help_requests` building parameters, more than the database
needs to store it. So the writer compiles one INSERT per table and column set, converts each
column with SQLAlchemy's own bind processors for the dialect (the stored text of a date, an
enum or a JSON list is exactly what the ORM writes and reads back), applies the columns'
Python-side defaults (e.g. `Person.session_token`), and hands the rows to the driver's
`executemany`.

Rows are buffered per table and written in the order of the foreign keys (parents first),
inside the one transaction of the seed. The secondary indexes of the tables being filled are
dropped at the start of that transaction and created again at the end: building an index from
sorted rows is several times faster than updating it row by row. Both databases change
indexes inside a transaction, so a failed seed leaves the schema as it was.
"""

import itertools
from collections import Counter
from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, DropIndex

from ..clock import TOWN_TZ
from ..extensions import db
from ..models_base import UTCDateTime

BATCH_ROWS = 20_000


def _utc_text(value):
    """SQLite's text for an aware datetime, as SQLAlchemy writes it, at a fifth of the cost
    (a quarter of the seed's time went into formatting dates)."""
    return None if value is None else value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def _faster_if_same(process):
    """`_utc_text` where it gives exactly what SQLAlchemy's own processor gives."""
    samples = [
        datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=TOWN_TZ),
        datetime(2025, 12, 31, tzinfo=UTC),
    ]
    if process is not None and all(process(v) == _utc_text(v) for v in [*samples, None]):
        return _utc_text
    return process


def table_of(model) -> Table:
    return getattr(model, "__table__", model)


class BulkWriter:
    """Buffered inserts with explicit ids for the tables of `models`."""

    def __init__(self, conn: Connection, models):
        self.conn = conn
        self.dialect = conn.dialect
        self.tables = [table_of(m) for m in models]
        self.counts: Counter[str] = Counter()
        self._buffers: dict[Table, list[dict]] = {t: [] for t in self.tables}
        self._order = [t for t in db.metadata.sorted_tables if t in self._buffers]
        self._plans: dict[tuple, tuple] = {}
        self._ids: dict[Table, itertools.count] = {}
        self._model_ids: dict[object, itertools.count] = {}  # the same counters, by model
        self._dropped: list = []

    # Ids -------------------------------------------------------------------------------------
    def ids(self, model) -> itertools.count:
        """The ids to give new rows of `model` (after any rows already there)."""
        table = table_of(model)
        if table not in self._ids:
            highest = self.conn.scalar(select(func.max(table.c.id))) or 0
            self._ids[table] = itertools.count(highest + 1)
        return self._ids[table]

    def next_id(self, model) -> int:
        counter = self._model_ids.get(model)
        if counter is None:
            counter = self._model_ids[model] = self.ids(model)
        return next(counter)

    # Rows ------------------------------------------------------------------------------------
    def add(self, model, row: dict) -> None:
        buffer = self._buffers[getattr(model, "__table__", model)]
        buffer.append(row)
        if len(buffer) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write every buffered row, parents before children."""
        for table in self._order:
            rows = self._buffers[table]
            if rows:
                self._insert(table, rows)
                self.counts[table.name] += len(rows)
                self._buffers[table] = []

    def _insert(self, table: Table, rows: list[dict]) -> None:
        keys = tuple(rows[0])
        width = len(keys)
        if any(len(row) != width for row in rows):
            raise ValueError(f"{table.name}: rows of one batch must have the same columns")
        names, processors, defaults = self._plan(table, keys)
        columns = list(zip(*map(itemgetter(*keys), rows), strict=True)) if width > 1 else None
        if columns is None:
            columns = [[row[keys[0]] for row in rows]]
        for column in defaults:
            arg = column.default.arg
            columns.append(
                [arg(None) for _ in rows] if column.default.is_callable else [arg] * len(rows)
            )
        for index, process in processors:
            columns[index] = list(map(process, columns[index]))
        params = zip(*columns, strict=True)
        # Names from the models' metadata; every value is a parameter.
        if self.dialect.name == "postgresql":  # COPY: several times faster than INSERTs
            copy_sql = f"COPY {names[0]} ({', '.join(names[1:])}) FROM STDIN"
            with self.conn.connection.driver_connection.cursor() as cursor:
                with cursor.copy(copy_sql) as copy:
                    for row in params:
                        copy.write_row(row)
        else:
            marker = "?" if self.dialect.paramstyle == "qmark" else "%s"
            insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                names[0], ", ".join(names[1:]), ", ".join([marker] * (len(names) - 1))
            )
            self.conn.exec_driver_sql(insert_sql, list(params))

    def _plan(self, table: Table, keys: tuple):
        plan = self._plans.get((table, keys))
        if plan is None:
            defaults = [c for c in table.columns if c.key not in keys and c.default is not None]
            columns = [table.c[k] for k in keys] + defaults
            processors = []
            for index, column in enumerate(columns):
                process = column.type.dialect_impl(self.dialect).bind_processor(self.dialect)
                if isinstance(column.type, UTCDateTime):
                    process = _faster_if_same(process)
                if process is not None:
                    processors.append((index, process))
            quote = self.dialect.identifier_preparer.quote
            names = [quote(table.name), *(quote(c.name) for c in columns)]
            plan = self._plans[(table, keys)] = (names, processors, defaults)
        return plan

    # Indexes, sequences, statistics ----------------------------------------------------------
    def drop_indexes(self) -> None:
        for table in self.tables:
            for index in sorted(table.indexes, key=lambda i: i.name):
                self.conn.execute(DropIndex(index))
                self._dropped.append(index)

    def create_indexes(self) -> None:
        for index in self._dropped:
            self.conn.execute(CreateIndex(index))
        self._dropped = []

    def advance_sequences(self) -> None:
        """PostgreSQL: the id sequences continue after the ids the seed gave."""
        if self.dialect.name != "postgresql":
            return
        for table in self._ids:
            following = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
            sequence = func.pg_get_serial_sequence(table.name, "id")
            self.conn.execute(select(func.setval(sequence, following, False)))
