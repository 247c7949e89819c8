from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ...const import PLAYBOOK_FIELD_LEVERS, PLAYBOOK_LEVERS, SERVICE_LEVELS
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths


class CrmSegmentPlaybook(models.Model):
    """The levers a segment's strategy pulls on its members: pricelist, payment terms, service level,
    salesperson, team, channel, a recurring activity plan. Applying it is previewed, logged and undoable;
    with "apply at each refresh" newcomers get it and leavers get their old values back. A member whose
    primary segment is another one with a playbook on the same lever follows that one."""

    _name = "crm.segment.playbook"
    _description = "Segment Playbook"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    segment_id = fields.Many2one(
        "crm.segment", required=True, index=True, ondelete="cascade", check_company=True, tracking=True,
        compute="_compute_segment_id", store=True, readonly=False, precompute=True)
    strategy_line_id = fields.Many2one(
        "crm.strategy.line", check_company=True, ondelete="set null", tracking=True,
        help="The line of the customer strategy this playbook carries out (its segment is the line's).")
    company_id = fields.Many2one(related="segment_id.company_id", store=True, index=True)
    description = fields.Text(help="Why these levers, for this segment.")
    auto_apply = fields.Boolean(
        string="Apply at Each Refresh", tracking=True,
        help="After each refresh of the segment, newcomers get the playbook and those who left get their "
             "previous values back (where nobody changed them since).")
    pricelist_id = fields.Many2one("product.pricelist", check_company=True, tracking=True)
    payment_term_id = fields.Many2one("account.payment.term", string="Payment Terms", check_company=True,
                                      tracking=True)
    service_level = fields.Selection(SERVICE_LEVELS, tracking=True)
    user_id = fields.Many2one("res.users", string="Salesperson", domain="[('share', '=', False)]", tracking=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True, tracking=True)
    channel_id = fields.Many2one("crm.channel", string="Sales Channel", check_company=True, tracking=True)
    activity_plan_id = fields.Many2one(
        "mail.activity.plan", domain="[('res_model', '=', 'res.partner')]",
        check_company=True, tracking=True,
        help="Activities scheduled on each member at the plan's delays, e.g. a review every quarter.")
    log_ids = fields.One2many("crm.playbook.log", "playbook_id", string="Applications")
    log_count = fields.Integer(compute="_compute_log_count", string="Applications Count")
    last_applied = fields.Datetime(readonly=True, copy=False)

    @api.depends("strategy_line_id")
    def _compute_segment_id(self):
        for playbook in self:
            playbook.segment_id = playbook.strategy_line_id.segment_id or playbook.segment_id

    def _compute_log_count(self):
        counts = dict(self.env["crm.playbook.log"]._read_group(
            [("playbook_id", "in", self.ids)], ["playbook_id"], ["__count"]))
        for playbook in self:
            playbook.log_count = counts.get(playbook, 0)

    @api.constrains("name", "description")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH, "description": MAX_TEXT_LENGTH})

    @api.constrains("activity_plan_id")
    def _check_activity_plan(self):
        for playbook in self:
            if playbook.activity_plan_id and playbook.activity_plan_id.res_model != "res.partner":
                raise UserError(self.env._("The activity plan of a playbook must be a plan for contacts."))

    @api.model
    def _lever_selection(self):
        return list(PLAYBOOK_LEVERS)

    # --- what the playbook would change ------------------------------------------------------------
    def _lever_values(self):
        """{lever: value as the log stores it} of the levers this playbook sets."""
        self.ensure_one()
        Log = self.env["crm.playbook.log"]
        values = {}
        for lever, (own, _partner_field) in PLAYBOOK_FIELD_LEVERS.items():
            if self[own]:
                values[lever] = Log._raw(self._fields[own], self[own])
        if self.activity_plan_id:
            values["activity_plan"] = str(self.activity_plan_id.id)
        return values

    def _members(self):
        self.ensure_one()
        return self.env["crm.segment.member"].sudo().search(
            [("segment_id", "=", self.segment_id.id), ("active", "=", True)]).partner_id

    def _primary_elsewhere(self, partners):
        """{partner id: its primary segment} for the members whose primary segment is another segment."""
        self.ensure_one()
        if not partners:
            return {}
        self.env["crm.segment.member"].flush_model()
        rows = self.env.execute_query(SQL(
            "SELECT m.partner_id, m.segment_id FROM (%s) m WHERE m.is_primary AND m.company_id = %s "
            "AND m.segment_id <> %s AND m.partner_id IN %s",
            self.env["crm.segment.member"]._current_sql(), self.company_id.id, self.segment_id.id,
            tuple(partners.ids)))
        return dict(rows)

    def _conflicts(self, partners):
        """{lever: {partner id: segment}}: members left to the playbook of their primary segment, which sets
        the same lever."""
        primary = self._primary_elsewhere(partners)
        others = self.sudo().search([("segment_id", "in", list(set(primary.values()))), ("active", "=", True)])
        levers_of = defaultdict(set)
        for other in others:
            levers_of[other.segment_id.id] |= set(other._lever_values())
        conflicts = defaultdict(dict)
        segments = self.env["crm.segment"].sudo().browse(list(set(primary.values())))
        for partner_id, segment_id in primary.items():
            for lever in levers_of[segment_id]:
                conflicts[lever][partner_id] = segments.browse(segment_id)
        return conflicts

    def _live_partner_ids(self, levers=None):
        """Customers with an applied, not undone change of this playbook (on these levers)."""
        domain = [("playbook_id", "=", self.id), ("state", "=", "applied")]
        if levers:
            domain.append(("lever", "in", list(levers)))
        return set(self.env["crm.playbook.log.line"].sudo().search(domain).partner_id.ids)

    def _plan(self, partners=None):
        """The changes applying the playbook now would make, as log line values: per lever, the members
        whose value differs; those another primary segment decides for are listed as not applied."""
        self.ensure_one()
        members = self._members()
        if partners is not None:
            members &= partners
        conflicts = self._conflicts(members)
        Log = self.env["crm.playbook.log"]
        changes = []
        for lever, raw in self._lever_values().items():
            decided = conflicts.get(lever, {})
            allowed = members.filtered(lambda p, d=decided: p.id not in d)
            if lever not in PLAYBOOK_FIELD_LEVERS:
                changes += getattr(self, f"_plan_{lever}")(allowed, raw)
                continue
            changes += Log._plan_field_changes(allowed, self.company_id, lever, raw)
            blocked = members - allowed
            for change in Log._plan_field_changes(blocked, self.company_id, lever, raw) if blocked else []:
                segment = decided[change["partner_id"]]
                changes.append({**change, "state": "skipped", "note": self.env._(
                    "Primary segment “%s” decides this lever.", segment.display_name)})
        return changes

    def _record_change(self, partner, lever, raw, shown, state="applied", note=False):
        """A change that creates a record (an activity, a subscription) rather than writing a field."""
        return {"partner_id": partner.id, "lever": lever, "field_name": False, "old_value": "", "new_value": raw,
                "old_display": "", "new_display": shown, "state": state, "note": note}

    def _plan_activity_plan(self, partners, raw):
        """The plan goes to the members who have no open activity of it from this playbook."""
        busy = self._live_partner_ids(["activity_plan"])
        return [self._record_change(partner, "activity_plan", raw, self.activity_plan_id.name)
                for partner in partners if partner.id not in busy]

    # --- buttons ------------------------------------------------------------------------------------
    def action_preview(self):
        """Who would change from what to what, before anything is written."""
        check_group(self.env, MANAGER_GROUP)
        self.check_access("read")
        self.ensure_one()
        if not self._lever_values():
            raise UserError(self.env._("Playbook “%s” sets no lever yet: choose a pricelist, a salesperson, "
                                       "a plan...", self.display_name))
        wizard = self.env["crm.playbook.apply.wizard"].create({"playbook_id": self.id})
        wizard._fill()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Apply %s", self.display_name),
            "res_model": "crm.playbook.apply.wizard", "res_id": wizard.id, "view_mode": "form", "target": "new",
        }

    def _apply(self, partners=None, trigger="manual", changes=None):
        """Apply the playbook to its members (or these of them) now, and log it."""
        self.ensure_one()
        changes = self._plan(partners) if changes is None else changes
        log = self.env["crm.playbook.log"]._apply_changes(changes, self.company_id, self.name, trigger, self)
        self.sudo().last_applied = log.date
        return log

    def action_view_logs(self):
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Applications of %s", self.name),
            "res_model": "crm.playbook.log", "view_mode": "list,form", "domain": [("playbook_id", "=", self.id)],
            "context": {"create": False},
        }

    # --- at each refresh --------------------------------------------------------------------------
    @api.model
    def _apply_on_refresh(self, segments):
        """Newcomers of the refreshed segments get the playbooks applied at each refresh; those who left get
        back their previous values (where nobody changed them since)."""
        playbooks = self.sudo().search([("segment_id", "in", segments.ids), ("auto_apply", "=", True)])
        for playbook in playbooks:
            members = playbook._members()
            live = playbook._live_partner_ids()
            leavers = self.env["crm.playbook.log.line"].sudo().search([
                ("playbook_id", "=", playbook.id), ("state", "=", "applied"),
                ("partner_id", "in", list(live - set(members.ids)))])
            if leavers:
                leavers._undo(self.env._("Left the segment."))
            newcomers = members.filtered(lambda partner, live=live: partner.id not in live)
            changes = playbook._plan(newcomers) if newcomers else []
            if any(change["state"] == "applied" for change in changes):
                playbook._apply(newcomers, trigger="refresh", changes=changes)
