from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ...const import CONTINUUM_STAGES, STRATEGY_ACTIONS
from ...tools.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths
from ...tools.locks import try_lock
from ...tools.notify import done_at, refresh_notification
from ...tools.pg import local_settings
from .crm_segment_sql import memberships_statement, primary_statement


def _group_label(field, value, env):
    if field.type == "selection":
        return dict(field._description_selection(env)).get(value) or env._("Unknown")
    if field.type in ("many2one", "many2many"):
        return value.display_name if value else env._("Unknown")
    return value if value not in (False, None) else env._("Unknown")


class CrmSegment(models.Model):
    """A group of customers managed as one along the segment-management continuum."""

    _name = "crm.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.domain.rule.mixin"]
    _rule_model = "res.partner"
    _order = "priority desc, sequence, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short unique code, used in exports and reports.")
    description = fields.Text()
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    priority = fields.Integer(
        default=10,
        tracking=True,
        help="When a customer belongs to several segments, the one with the highest priority is its primary segment.",
    )
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    continuum_stage = fields.Selection(
        CONTINUUM_STAGES,
        required=True,
        default="product_centric",
        tracking=True,
        group_expand="_read_group_continuum_stage",
        help="How far the company manages this segment as a business of its own, from product-centric "
        "analysis to a customer-centric profit and loss.",
    )
    strategy_action = fields.Selection(
        STRATEGY_ACTIONS,
        string="Strategy",
        required=True,
        default="grow",
        tracking=True,
        help="What the customer strategy says to do with these customers.",
    )
    advisor_id = fields.Many2one(
        "res.users", string="Segment Advisor", tracking=True, domain="[('share', '=', False)]"
    )
    owner_id = fields.Many2one(
        "res.users", string="Segment Owner", tracking=True, domain="[('share', '=', False)]",
        help="The owner may edit the segment and answers for its results.",
    )
    value_proposition = fields.Html(help="What the company offers this segment, and why they should care.")
    rule_domain = fields.Char(
        tracking=True,
        help="Customers matching this rule are the members. Conditions may use the partner's profile and "
        "its customer measures (revenue, margin, orders, days since last order, typology...).",
    )
    member_ids = fields.One2many("crm.segment.member", "segment_id", string="Memberships")
    partner_ids = fields.Many2many(
        "res.partner", string="Members", compute="_compute_partner_ids", search="_search_partner_ids"
    )
    member_count = fields.Integer(compute="_compute_member_count", string="Members Count")
    history_ids = fields.One2many("crm.segment.history", "segment_id", string="Membership History")
    product_abc_ids = fields.One2many("crm.segment.product.abc", "segment_id", string="Product ABC")
    profile_distribution_html = fields.Html(
        compute="_compute_profile_distribution_html", sanitize=False, string="Profile of the Members",
        help="How the members spread over every demographic, psychographic and behavioural attribute.",
    )
    last_refresh = fields.Datetime(readonly=True, copy=False)

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "A segment code must be unique per company."
    )

    def _compute_partner_ids(self):
        members = self.env["crm.segment.member"].search([("segment_id", "in", self._origin.ids), ("active", "=", True)])
        by_segment = {}
        for member in members:
            by_segment.setdefault(member.segment_id.id, []).append(member.partner_id.id)
        for segment in self:
            segment.partner_ids = [fields.Command.set(by_segment.get(segment._origin.id, []))]

    def _search_partner_ids(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        members = self.env["crm.segment.member"]._search([("partner_id", "in", value), ("active", "=", True)])
        return Domain("id", operator, members.subselect("segment_id"))

    def _compute_member_count(self):
        counts = dict(self.env["crm.segment.member"]._read_group(
            [("segment_id", "in", self._origin.ids), ("active", "=", True)], ["segment_id"], ["__count"]))
        for segment in self:
            segment.member_count = counts.get(segment._origin, 0)

    # --- members, from the rule ----------------------------------------------
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
        # the playbooks applied at each refresh: newcomers get them, leavers get their old values back
        self.env["crm.segment.playbook"].sudo()._apply_on_refresh(segments)

    def _write_memberships(self, segments, targets, now):
        """Newcomers inserted, leavers archived, and the primary flags of the customers whose
        memberships change moved: one statement, so a refresh killed half-way leaves the previous
        memberships whole. Other customers keep their flags (priority changes and deletions of
        segments move them at once, see write and unlink)."""
        self.env.cr.execute(memberships_statement(targets, segments.ids, segments.company_id.ids, now))

    @api.model
    def _update_primary_members(self, companies):
        """Flag, per customer and company, the membership of the highest-priority active segment."""
        if companies:
            self.env.cr.execute(primary_statement(companies.ids))

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

    # --- profile of the members ---------------------------------------------
    PROFILE_ATTRIBUTES = (
        "crm_age_band", "crm_income_band", "crm_education", "industry_id", "crm_size_band",
        "crm_revenue_band", "crm_profile_tag_ids",
    )

    @api.depends("member_ids")
    def _compute_profile_distribution_html(self):
        Partner = self.env["res.partner"]
        for segment in self:
            total = segment.member_count
            if not segment._origin.id or not total:
                segment.profile_distribution_html = Markup("<p class='text-muted'>%s</p>") % self.env._(
                    "No member yet: refresh the segment.")
                continue
            blocks = []
            members = self.env["crm.segment.member"]._search(
                [("segment_id", "=", segment._origin.id), ("active", "=", True)]).subselect("partner_id")
            Measure = self.env["crm.customer.measure"]
            typologies = dict(Measure._read_group(
                [("company_id", "=", segment.company_id.id),
                 ("partner_id", "in", members)],
                ["typology_id"], ["__count"]))
            no_typology = self.env["crm.typology.rule"]
            # members without a measure row have no typology either
            typologies[no_typology] = typologies.get(no_typology, 0) + total - sum(typologies.values())
            distributions = [(Partner._fields[attribute], Partner._read_group(
                [("id", "in", members)], [attribute], ["__count"])) for attribute in self.PROFILE_ATTRIBUTES]
            distributions.append((Measure._fields["typology_id"], [(k, v) for k, v in typologies.items() if v]))
            for field, groups in distributions:
                rows = Markup("").join(
                    Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s%%</td></tr>") % (
                        _group_label(field, value, self.env), count, round(100.0 * count / total, 1))
                    for value, count in sorted(groups, key=lambda g: -g[1])
                )
                blocks.append(Markup(
                    "<div class='col-lg-3 col-md-6'><h6>%s</h6><table class='table table-sm'>%s</table></div>"
                ) % (field._description_string(self.env), rows))
            segment.profile_distribution_html = Markup("<div class='row'>%s</div>") % Markup("").join(blocks)

    def _membership_action(self, name, model):
        """The memberships (or their history) of the segment, read-only."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,pivot,graph",
            "domain": [("segment_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_members(self):
        self.check_access("read")
        self.ensure_one()
        return self._membership_action(self.env._("Members of %s", self.name), "crm.segment.member")

    def action_view_history(self):
        self.check_access("read")
        self.ensure_one()
        return self._membership_action(self.env._("Membership history of %s", self.name), "crm.segment.history")

    def _has_customer_pnl(self):
        """A segment is run on its own P&L only once its members have customer P&L rows."""
        self.ensure_one()
        members = self.env["crm.segment.member"].sudo()._search(
            [("segment_id", "=", self.id), ("active", "=", True)])
        return bool(self.env["crm.customer.pnl"].sudo().search_count([
            ("company_id", "=", self.company_id.id), ("partner_id", "in", members.subselect("partner_id"))], limit=1))

    @api.model
    def _read_group_continuum_stage(self, values, domain):
        return [key for key, _label in CONTINUUM_STAGES]

    @api.constrains("continuum_stage", "advisor_id", "owner_id")
    def _check_continuum_stage(self):
        order = [key for key, _label in CONTINUUM_STAGES]
        for segment in self:
            rank = order.index(segment.continuum_stage)
            if rank >= order.index("segment_advisor") and not segment.advisor_id:
                raise ValidationError(
                    self.env._("Segment %(name)s needs a segment advisor to reach the stage '%(stage)s'.",
                               name=segment.name, stage=dict(CONTINUUM_STAGES)[segment.continuum_stage])
                )
            if segment.continuum_stage == "customer_pnl" and not segment._has_customer_pnl():
                raise ValidationError(
                    self.env._("Segment %s needs customer P&L figures before it can be run on its own P&L.",
                               segment.name)
                )
            if rank >= order.index("segment_owner") and not segment.owner_id:
                raise ValidationError(
                    self.env._("Segment %(name)s needs a segment owner to reach the stage '%(stage)s'.",
                               name=segment.name, stage=dict(CONTINUUM_STAGES)[segment.continuum_stage])
                )

    @api.constrains("name", "code", "description", "value_proposition")
    def _check_text_lengths(self):
        check_text_lengths(self, {
            "name": MAX_NAME_LENGTH, "code": MAX_NAME_LENGTH,
            "description": MAX_TEXT_LENGTH, "value_proposition": MAX_TEXT_LENGTH,
        })
