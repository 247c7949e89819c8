"""Helpers shared by the suite's fault tests."""
from contextlib import contextmanager
from unittest.mock import patch

COMMIT_POINT = "crm_suite_commit_point"


@contextmanager
def commit_points(env):
    """Turn the test cursor's commits into savepoints, so a test can play a job that commits batch by
    batch, kill it half-way and roll back to its last commit, as PostgreSQL would after a crash."""

    def commit():
        env.flush_all()
        env.cr.execute(f"SAVEPOINT {COMMIT_POINT}")

    env.cr.execute(f"SAVEPOINT {COMMIT_POINT}")
    with patch.object(env.cr, "commit", commit):
        yield


def crash_to_last_commit(env, job, exception):
    """Run ``job`` until it dies with ``exception``, then keep what is left after a crash: the work since the
    last commit is gone. (Not ``assertRaises``: Odoo's wraps it in a savepoint whose release would drop the
    commit points.)"""
    died = False
    try:
        job()
    except exception:
        died = True
    if not died:
        raise AssertionError(f"{job} did not die with {exception.__name__}")
    env.cr.execute(f"ROLLBACK TO SAVEPOINT {COMMIT_POINT}")
    env.invalidate_all(flush=False)
