"""PostgreSQL for the bulk statements: a statement written as named steps, and settings for one statement."""
from contextlib import contextmanager

from odoo.tools import SQL


@contextmanager
def local_settings(cr, **settings):
    """Run the block with these settings (``SET LOCAL``), then put the previous values back.

    On an exception the values are left as they are: the transaction, or the savepoint that
    rolls back, ends them.
    """
    cr.execute(SQL("SELECT %s", SQL(", ").join(SQL("current_setting(%s)", name) for name in settings)))
    previous = dict(zip(settings, cr.fetchone(), strict=True))
    _set(cr, settings)
    yield
    _set(cr, previous)


def _set(cr, settings):
    cr.execute(SQL("SELECT %s", SQL(", ").join(
        SQL("set_config(%s, %s, TRUE)", name, str(value)) for name, value in settings.items())))


def with_steps(steps, statement, materialized=()):
    """``WITH name AS (query), ... statement``: the steps ``[(name, query)]`` in order, each one reading the
    steps before it by name, as ``statement`` reads them all. A step is written, and tested, alone. The
    steps named in ``materialized`` are computed once, whatever the planner would inline."""
    return SQL("WITH %s %s", SQL(", ").join(
        SQL("%s AS MATERIALIZED (%s)" if name in materialized else "%s AS (%s)", SQL.identifier(name), query)
        for name, query in steps), statement)


def float_to_numeric(expression):
    """A float8 ``expression`` as numeric, through its text form: float8 to numeric prints the double with
    sprintf("%.15g") (about 0.6 us a value, most of a second for the million money values of a large refresh),
    its text output is the shortest exact form (Ryu), which numeric parses three times faster. The value kept
    is the computed double itself instead of its first 15 digits."""
    return SQL("(%s)::text::numeric", expression)


def in_ids(column, ids):
    """``column IN ids``, or TRUE when ``ids`` is None (no restriction)."""
    return SQL("TRUE") if ids is None else SQL("%s IN %s", column, tuple(ids) or (0,))


# New rows from which a write into a table is a bulk load (see ``bulk_load``): below it the row-by-row key checks
# cost less than dropping and adding the keys, and locking what they reference.
BULK_LOAD_ROWS = 50_000


@contextmanager
def bulk_load(cr, table, new_rows):
    """The block writes ``new_rows`` new rows into ``table``: from ``BULK_LOAD_ROWS`` on, with the table's foreign
    keys suspended (``foreign_keys_suspended``), below it as it is."""
    if new_rows < BULK_LOAD_ROWS:
        yield
        return
    with foreign_keys_suspended(cr, table):
        yield


@contextmanager
def foreign_keys_suspended(cr, table):
    """Drop the foreign keys of ``table`` and add them back on leaving: adding a key checks every row in one
    anti-join, where a bulk insert under the key pays one trigger call per row and key (two thirds of the time
    of inserting 10^5 rows). The tables the keys reference are locked first, in the mode adding a key takes
    anyway, then ``table``: a writer holding one of them never waits on us while we wait on it. Writes to
    these tables, and reads of ``table``, wait until the transaction ends: for rare bulk loads only."""
    cr.execute(SQL(
        """SELECT c.conname, r.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c
             JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.conrelid = %s::regclass AND c.contype = 'f' ORDER BY c.conname""", table))
    keys = cr.fetchall()
    referenced = sorted({relname for _name, relname, _definition in keys} - {table})
    if referenced:
        cr.execute(SQL("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE",
                       SQL(", ").join(SQL.identifier(name) for name in referenced)))
    cr.execute(SQL("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", SQL.identifier(table)))
    for name, _relname, _definition in keys:
        cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(name)))
    yield
    for name, _relname, definition in keys:
        cr.execute(SQL("ALTER TABLE %s ADD CONSTRAINT %s %s", SQL.identifier(table), SQL.identifier(name),
                       SQL(definition)))  # the catalog's own text of the key
