"""Transaction-level advisory locks, so that two refreshes of the same data never run at once: the
second one is refused (button) or skipped (cron) at once instead of redoing the work and failing at
commit on a unique constraint."""
import zlib

from odoo.tools import SQL


def lock_namespace(name):
    """A stable 31-bit key for a lock name (PostgreSQL's two-int advisory lock form)."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def try_lock(cr, name, key):
    """Take the lock (name, key) until the end of the transaction; False if another transaction holds it."""
    cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", lock_namespace(name), key))
    return cr.fetchone()[0]
