"""Steering SQLite's query planner where its statistics mislead it.

SQLite's statistics (ANALYZE, without STAT4) know how many distinct values a column has, not
how they are spread: a status with five values looks as if each were a fifth of the table,
although "open" is a handful of rows among a million. A query that filters on such a rare
value and also on a range of another indexed column can then be planned through the range's
index, walking a third of the table instead of the few rare rows.

`unindexed(column)` keeps a filter term but tells SQLite not to search by it: the unary "+"
that SQLite documents for this purpose ("Disqualifying WHERE clause terms using unary-+").
Other databases get the column unchanged (PostgreSQL's statistics see the rare value).
"""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class unindexed(ColumnElement):  # noqa: N801  (reads as a function in a query)
    """The column, as a filter that SQLite will not use an index for."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column = column
        self.type = column.type  # so that compared values are bound as the column's type


@compiles(unindexed)
def _plain(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _no_index(element, compiler, **kw):
    return "+" + compiler.process(element.column, **kw)
