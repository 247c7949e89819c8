"""The statements of the segment refresh: the memberships written from the segments' rules, and the primary
flags kept right. ``memberships_statement`` is a chain of named steps (see ``tools.pg.with_steps``), each
built here so that it can be read, and run on rows of a test's own, alone:

    target     the wanted memberships, one query per segment's rule
    existing   a snapshot of the current memberships of the refreshed segments
    diff       newcomers (no member_id) and leavers (no longer wanted)
    touched, others, ranked   the memberships of the customers that change, best segment first
    gone, came                leavers archived, newcomers inserted
    and the primary flags of the ranked memberships moved.
"""
from odoo.tools import SQL

from ...tools.pg import with_steps


def existing(segment_ids):
    """A snapshot: probing the table being inserted into row by row would be quadratic."""
    return SQL("SELECT id, segment_id, partner_id FROM crm_segment_member WHERE segment_id IN %s AND active",
               tuple(segment_ids))


def diff():
    """From ``target`` and ``existing``: newcomers have no member_id; leavers have one and are no longer
    wanted."""
    return SQL(
        """
        SELECT COALESCE(t.segment_id, e.segment_id) AS segment_id,
               COALESCE(t.partner_id, e.partner_id) AS partner_id, e.id AS member_id
          FROM target t
     FULL JOIN existing e ON e.segment_id = t.segment_id AND e.partner_id = t.partner_id
         WHERE t.partner_id IS NULL OR e.id IS NULL
        """
    )


def touched():
    return SQL("SELECT DISTINCT partner_id FROM diff")


def others(company_ids, segment_ids):
    """The current memberships of the companies' other segments, which also compete for primary."""
    return SQL(
        """
        SELECT m.segment_id, m.partner_id FROM crm_segment_member m
          JOIN crm_segment o ON o.id = m.segment_id
         WHERE o.company_id IN %s AND m.segment_id NOT IN %s AND m.active
        """,
        tuple(company_ids), tuple(segment_ids),
    )


def ranked():
    """The memberships of the customers that change (``touched``), after the refresh, the best segment of
    each customer and company first: the highest priority, then the sequence."""
    return SQL(
        """
        SELECT w.segment_id, w.partner_id,
               ROW_NUMBER() OVER (PARTITION BY w.partner_id, s.company_id
                                  ORDER BY s.priority DESC, s.sequence, s.id) = 1 AS is_primary
          FROM (SELECT * FROM target UNION ALL SELECT * FROM others) w
          JOIN touched USING (partner_id)
          JOIN crm_segment s ON s.id = w.segment_id AND s.active
        """
    )


def gone(now):
    """The leavers of ``diff`` archived: their period ends now."""
    return SQL(
        """
        UPDATE crm_segment_member m SET active = FALSE, date_left = %s, is_primary = FALSE
          FROM diff d
         WHERE m.id = d.member_id
        """,
        now,
    )


def came(now):
    """The newcomers of ``diff`` inserted, with their rank's primary flag."""
    return SQL(
        """
        INSERT INTO crm_segment_member (segment_id, partner_id, date_joined, is_primary,
                                        continuum_stage, strategy_action, active)
        SELECT d.segment_id, d.partner_id, %s, r.is_primary, s.continuum_stage, s.strategy_action, TRUE
          FROM diff d
          JOIN ranked r ON r.segment_id = d.segment_id AND r.partner_id = d.partner_id
          JOIN crm_segment s ON s.id = d.segment_id
         WHERE d.member_id IS NULL
        """,
        now,
    )


def primary_moved():
    """The primary flags of the ranked memberships that stay (leavers are not in ranked, so no row is
    updated twice)."""
    return SQL(
        """
        UPDATE crm_segment_member m SET is_primary = r.is_primary
          FROM ranked r
         WHERE r.segment_id = m.segment_id AND r.partner_id = m.partner_id AND m.active
           AND m.is_primary IS DISTINCT FROM r.is_primary
        """
    )


def memberships_statement(targets, segment_ids, company_ids, now):
    """One statement, so that a refresh killed half-way leaves the previous memberships whole. ``targets``
    holds (segment_id, partner_id) of the wanted memberships."""
    return with_steps([
        ("target", targets),
        ("existing", existing(segment_ids)),
        ("diff", diff()),
        ("touched", touched()),
        ("others", others(company_ids, segment_ids)),
        ("ranked", ranked()),
        ("gone", gone(now)),
        ("came", came(now)),
    ], primary_moved(), materialized=("target", "existing", "diff", "touched", "others", "ranked"))


def primary_statement(company_ids):
    """Flag, per customer and company, the membership of the highest-priority active segment."""
    return SQL(
        """
        WITH best AS (
            SELECT DISTINCT ON (m.partner_id, s.company_id) m.id
              FROM crm_segment_member m
              JOIN crm_segment s ON s.id = m.segment_id
             WHERE s.active AND m.active AND s.company_id IN %(companies)s
          ORDER BY m.partner_id, s.company_id, s.priority DESC, s.sequence, s.id
        )
        UPDATE crm_segment_member m
           SET is_primary = (m.id IN (SELECT id FROM best))
          FROM crm_segment s
         WHERE s.id = m.segment_id AND s.company_id IN %(companies)s
           AND m.is_primary IS DISTINCT FROM (m.id IN (SELECT id FROM best))
        """,
        companies=tuple(company_ids),
    )
