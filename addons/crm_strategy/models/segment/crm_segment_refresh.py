from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ...tools.locks import try_lock
from ...tools.notify import done_at, refresh_notification
from ...tools.pg import local_settings


class CrmSegment(models.Model):
    """The members of a segment, from its rule: written in bulk by one statement that diffs the wanted
    memberships against the current ones, and the primary flags kept right as segments change."""

    _inherit = "crm.segment"

    def action_refresh_members(self):
        """Recompute the members of these segments from their rules (button and cron): for those who may edit
        the segments (owners, advisors, managers)."""
        self.check_access("write")
        Member = self.env["crm.segment.member"].sudo()
        before = Member.search_count([("segment_id", "in", self.ids)])
        last_id = Member.with_context(active_test=False).search([], order="id desc", limit=1).id or 0
        self._refresh_members()
        after = Member.search_count([("segment_id", "in", self.ids)])
        # a newcomer, or a customer coming back, opens a new membership period: a new row
        joined = Member.search_count([("segment_id", "in", self.ids), ("id", ">", last_id)])
        if len(self) == 1:
            what = self.env._("%(segment)s: %(members)s members", segment=self.display_name, members=after)
        else:
            what = self.env._("%(count)s segments: %(members)s members", count=len(self), members=after)
        return refresh_notification(
            self.env._("Members refreshed"),
            self.env._("%(what)s (%(joined)s joined, %(left)s left), at %(when)s.",
                       what=what, joined=joined, left=before + joined - after, when=done_at(self.env)))

    @api.model
    def _cron_refresh_members(self):
        self.env["crm.customer.measure"]._refresh_measures(self.env["res.company"].search([("active", "=", True)]))
        self.search([("active", "=", True)])._refresh_members(raise_if_locked=False)

    def _member_domain(self):
        """Active commercial partners of the segment's company that match its rule."""
        self.ensure_one()
        return (
            self._get_rule_domain()
            & Domain("active", "=", True)
            & (Domain("is_company", "=", True) | Domain("parent_id", "=", False))
            & Domain("company_id", "in", [False, self.company_id.id])
        )

    def _refresh_members(self, raise_if_locked=True):
        """Set-based: every rule becomes one SQL query, and one statement diffs the wanted
        memberships against the current ones: newcomers are inserted, leavers archived, primary
        flags moved, in bulk (rows that do not change are not touched). One refresh per company at
        a time: a company another transaction is refreshing is refused, or skipped by the cron."""
        segments = self.sudo().filtered("active")
        busy = segments.company_id.filtered(
            lambda company: not try_lock(self.env.cr, "crm_strategy.segment_refresh", company.id))
        if busy and raise_if_locked:
            raise UserError(self.env._("A refresh of the segments of %(companies)s is already running.",
                                       companies=", ".join(busy.mapped("name"))))
        segments = segments.filtered(lambda segment: segment.company_id not in busy)
        if not segments:
            return
        self.env.flush_all()
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        now = fields.Datetime.now()
        # Fresh statistics: after a bulk load the planner would otherwise take the membership
        # table for empty and probe it row by row (quadratic).
        self.env.cr.execute(SQL("ANALYZE crm_segment_member"))
        targets = SQL(" UNION ALL ").join(
            SQL("SELECT %s AS segment_id, t.id AS partner_id FROM (%s) AS t(id)", segment.id,
                Partner.with_company(segment.company_id)._search(segment._member_domain()).subselect())
            for segment in segments
        )
        # The statement sorts and hashes a few hundred thousand pairs: in memory, not in temporary
        # files; and compiling it to machine code (JIT) costs more than it saves at that size.
        with local_settings(self.env.cr, work_mem="64MB", jit="off"):
            self._write_memberships(segments, targets, now)
        segments.write({"last_refresh": now})
        self.env["crm.segment.product.abc"].sudo()._refresh_for_segments(segments)
        self.env["crm.segment.member"].invalidate_model()
        self.env["crm.segment.history"].invalidate_model()
        self.env["res.partner"].invalidate_model(["crm_primary_segment_id", "crm_segment_member_ids"])
        self.invalidate_recordset(["member_ids", "partner_ids", "member_count", "history_ids"])

    def _write_memberships(self, segments, targets, now):
        """Newcomers inserted, leavers archived, and the primary flags of the customers whose
        memberships change moved: one statement, so a refresh killed half-way leaves the previous
        memberships whole. Other customers keep their flags (priority changes and deletions of
        segments move them at once, see write and unlink)."""
        self.env.cr.execute(SQL(
            """
            WITH target AS MATERIALIZED (%(targets)s),
            existing AS MATERIALIZED (
                -- a snapshot: probing the table being inserted into row by row would be quadratic
                SELECT id, segment_id, partner_id FROM crm_segment_member
                 WHERE segment_id IN %(segments)s AND active
            ), diff AS MATERIALIZED (
                -- newcomers have no member_id; leavers have one and are no longer wanted
                SELECT COALESCE(t.segment_id, e.segment_id) AS segment_id,
                       COALESCE(t.partner_id, e.partner_id) AS partner_id, e.id AS member_id
                  FROM target t
             FULL JOIN existing e ON e.segment_id = t.segment_id AND e.partner_id = t.partner_id
                 WHERE t.partner_id IS NULL OR e.id IS NULL
            ), touched AS MATERIALIZED (
                SELECT DISTINCT partner_id FROM diff
            ), others AS MATERIALIZED (
                -- current memberships of the company's other segments, which also compete for primary
                SELECT m.segment_id, m.partner_id FROM crm_segment_member m
                  JOIN crm_segment o ON o.id = m.segment_id
                 WHERE o.company_id IN %(companies)s AND m.segment_id NOT IN %(segments)s AND m.active
            ), ranked AS MATERIALIZED (
                -- the memberships of the customers that change, after the refresh, best segment first
                SELECT w.segment_id, w.partner_id,
                       ROW_NUMBER() OVER (PARTITION BY w.partner_id, s.company_id
                                          ORDER BY s.priority DESC, s.sequence, s.id) = 1 AS is_primary
                  FROM (SELECT * FROM target UNION ALL SELECT * FROM others) w
                  JOIN touched USING (partner_id)
                  JOIN crm_segment s ON s.id = w.segment_id AND s.active
            ), gone AS (
                UPDATE crm_segment_member m SET active = FALSE, date_left = %(now)s, is_primary = FALSE
                  FROM diff d
                 WHERE m.id = d.member_id
            ), came AS (
                INSERT INTO crm_segment_member (segment_id, partner_id, date_joined, is_primary,
                                                continuum_stage, strategy_action, active)
                SELECT d.segment_id, d.partner_id, %(now)s, r.is_primary, s.continuum_stage, s.strategy_action,
                       TRUE
                  FROM diff d
                  JOIN ranked r ON r.segment_id = d.segment_id AND r.partner_id = d.partner_id
                  JOIN crm_segment s ON s.id = d.segment_id
                 WHERE d.member_id IS NULL
            )
            -- leavers are not in ranked, so no row is updated twice
            UPDATE crm_segment_member m SET is_primary = r.is_primary
              FROM ranked r
             WHERE r.segment_id = m.segment_id AND r.partner_id = m.partner_id AND m.active
               AND m.is_primary IS DISTINCT FROM r.is_primary
            """,
            targets=targets,
            segments=tuple(segments.ids),
            companies=tuple(segments.company_id.ids),
            now=now,
        ))

    @api.model
    def _update_primary_members(self, companies):
        """Flag, per customer and company, the membership of the highest-priority active segment."""
        if not companies:
            return
        self.env.cr.execute(SQL(
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
            companies=tuple(companies.ids),
        ))

    def write(self, vals):
        companies = self.company_id
        res = super().write(vals)
        if {"priority", "sequence", "active", "company_id"} & set(vals):
            self._primary_members_changed(companies | self.company_id)
        return res

    def unlink(self):
        companies = self.company_id
        res = super().unlink()
        self._primary_members_changed(companies)
        return res

    def _primary_members_changed(self, companies):
        self.env.flush_all()
        self._update_primary_members(companies)
        self.env["crm.segment.member"].invalidate_model(["is_primary"])
        self.env["res.partner"].invalidate_model(["crm_primary_segment_id"])

