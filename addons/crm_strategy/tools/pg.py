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


def in_ids(column, ids):
    """``column IN ids``, or TRUE when ``ids`` is None (no restriction)."""
    return SQL("TRUE") if ids is None else SQL("%s IN %s", column, tuple(ids) or (0,))
