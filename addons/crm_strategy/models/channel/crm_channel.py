from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ...const import CHANNEL_TYPES
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.limits import MAX_AMOUNT, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths
from ...tools.notify import done_at, refresh_notification

RULE_TYPES = [
    ("team", "Sales team"),
    ("utm_source", "UTM source"),
    ("utm_medium", "UTM medium"),
    ("utm_campaign", "UTM campaign"),
    ("origin", "Order origin"),
    ("domain", "Domain on sales orders"),
]
COST_MODELS = [
    ("fixed", "Fixed per month"),
    ("revenue_pct", "% of revenue"),
    ("per_order", "Per order"),
    ("per_contact", "Per customer contact"),
]
# rule type -> (field on sale.order, field on account.move, field on the channel)
RULE_FIELDS = {
    "team": ("team_id", "team_id", "team_id"),
    "utm_source": ("source_id", "source_id", "source_id"),
    "utm_medium": ("medium_id", "medium_id", "medium_id"),
    "utm_campaign": ("campaign_id", "campaign_id", "campaign_id"),
    "origin": ("origin", "invoice_origin", "origin_pattern"),
}
RULE_DEPENDS = ("rule_type", "team_id", "source_id", "medium_id", "campaign_id", "origin_pattern",
                "rule_domain", "sequence", "active", "company_id")


class CrmChannel(models.Model):
    """A route to market. Its rule recognises its sales in Odoo's data, its cost model prices it, so that
    channels can be evaluated, ranked and compared on the same figures."""

    _name = "crm.channel"
    _description = "Sales Channel"
    _inherit = ["crm.domain.rule.mixin"]
    _rule_model = "sale.order"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    channel_type = fields.Selection(CHANNEL_TYPES, string="Type", required=True, default="sales_force")
    sequence = fields.Integer(
        string="Priority", default=10,
        help="When several channels recognise the same sale, the one with the lowest number wins.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    color = fields.Integer()
    rule_type = fields.Selection(
        RULE_TYPES, string="Recognised by", required=True, default="team",
        help="What in a sale tells that it came through this channel.")
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    source_id = fields.Many2one("utm.source", string="UTM Source")
    medium_id = fields.Many2one("utm.medium", string="UTM Medium")
    campaign_id = fields.Many2one("utm.campaign", string="UTM Campaign")
    origin_pattern = fields.Char(
        string="Origin Contains", help="Sales orders whose source document contains this text (case-insensitive).")
    rule_domain = fields.Char(
        help="Sales orders matching this domain. Invoices without a sales order are never recognised by it.")
    cost_model = fields.Selection(COST_MODELS, required=True, default="revenue_pct")
    cost_rate = fields.Float(
        string="Cost", digits=(16, 4),
        help="Amount per month, per order or per customer contact (in company currency), or % of revenue.")
    description = fields.Text()
    estimate_ids = fields.One2many(
        "crm.channel.estimate", "channel_id", string="Estimates",
        help="Expected reach, revenue, margin, cost and brand fit, each with its source: the scorecard uses them "
             "while the channel has no sales of its own in the evaluated period (a potential channel).")

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)", "A channel name must be unique per company.")

    @api.constrains("cost_rate", "cost_model")
    def _check_cost_rate(self):
        for channel in self:
            if not 0 <= channel.cost_rate < MAX_AMOUNT:
                raise ValidationError(self.env._("The cost of channel %s cannot be negative or absurd.",
                                                 channel.name))
            if channel.cost_model == "revenue_pct" and channel.cost_rate > 100:
                raise ValidationError(self.env._("The cost of channel %s is a percentage of revenue: at most 100.",
                                                 channel.name))

    @api.constrains(*RULE_DEPENDS)
    def _check_rule(self):
        for channel in self:
            rule = channel.rule_type
            if rule == "domain":
                if not (channel.rule_domain or "").strip("[] "):
                    raise ValidationError(self.env._("Channel %s needs a domain on sales orders.", channel.name))
            elif not channel[RULE_FIELDS[rule][2]]:
                raise ValidationError(self.env._(
                    "Channel %(name)s is recognised by %(rule)s: set it.", name=channel.name,
                    rule=dict(RULE_TYPES)[rule]))

    @api.constrains("rule_domain", "rule_type")
    def _check_rule_domain(self):
        """Only a domain rule is a domain: the mixin's check applies to those."""
        for channel in self.filtered(lambda c: c.rule_type == "domain"):
            channel._get_rule_domain()

    # --- recognition ------------------------------------------------------------
    def _order_domain(self):
        """The channel's rule as a domain on sale.order."""
        self.ensure_one()
        rule = self.rule_type
        if rule == "domain":
            return self._get_rule_domain()
        order_field, _move_field, own_field = RULE_FIELDS[rule]
        if rule == "origin":
            return Domain(order_field, "ilike", self.origin_pattern)
        return Domain(order_field, "=", self[own_field].id)

    def _move_domain(self):
        """The channel's rule as a domain on account.move, or None for a domain rule (it reads sales orders)."""
        self.ensure_one()
        rule = self.rule_type
        if rule == "domain":
            return None
        _order_field, move_field, own_field = RULE_FIELDS[rule]
        if rule == "origin":
            return Domain(move_field, "ilike", self.origin_pattern)
        return Domain(move_field, "=", self[own_field].id)

    @api.model
    def _active_channels(self, company):
        return self.sudo().search([("company_id", "=", company.id)], order="sequence, id")

    def _match_records(self, records, kind):
        """Channel per record (first channel by priority whose rule matches), evaluated in memory."""
        result = {}
        remaining = records
        for channel in self:
            if not remaining:
                break
            domain = channel._order_domain() if kind == "order" else channel._move_domain()
            if domain is None:
                continue
            matched = remaining.filtered_domain(list(domain))
            for record in matched:
                result[record.id] = channel
            remaining -= matched
        return result

    # --- bulk assignment ----------------------------------------------------------
    @api.model
    def _cron_assign_channels(self):
        """One committed batch per company: a large company never holds back the others."""
        companies = self.env["res.company"].search([("active", "=", True)])
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(companies))
        for company in companies:
            self._assign_channels(company)
            if not cron._commit_progress(1):
                break

    @api.model
    def _schedule_assignment(self):
        """Reassigning a large company takes minutes (an UPDATE of every order and invoice whose channel
        changes): run it in the cron, soon, rather than in the request that edited a rule."""
        cron = self.env.ref("crm_strategy.ir_cron_assign_channels", raise_if_not_found=False)
        if cron:
            cron._trigger()

    def action_assign_channels(self):
        """Recompute the channel of every confirmed order and customer invoice of these companies."""
        check_group(self.env, MANAGER_GROUP)
        self.check_access("read")
        orders, invoices = self._assign_channels(self.company_id or self.env.companies)
        return refresh_notification(
            self.env._("Channels assigned"),
            self.env._("%(orders)s orders and %(invoices)s invoices changed channel (the others kept theirs), "
                       "at %(when)s.", orders=orders, invoices=invoices, when=done_at(self.env)))

    @api.model
    def _assign_channels(self, companies=None):
        """Set-based: per company, one UPDATE of the orders and one of the invoices whose channel changes;
        records whose channel was set by hand keep it. Returns (orders changed, invoices changed)."""
        companies = companies or self.env.companies
        orders = invoices = 0
        self.env.flush_all()
        Order = self.env["sale.order"].sudo().with_context(active_test=False)
        Move = self.env["account.move"].sudo().with_context(active_test=False)
        for company in companies:
            channels = self._active_channels(company)
            order_candidates = [
                SQL("SELECT t.id AS res_id, %s AS channel_id, %s AS seq FROM (%s) AS t(id)", channel.id, rank,
                    Order._search(channel._order_domain() & Domain("company_id", "=", company.id)
                                  & Domain("state", "=", "sale")).subselect())
                for rank, channel in enumerate(channels)
            ]
            move_candidates = [
                SQL("SELECT t.id AS res_id, %s AS channel_id, %s AS seq FROM (%s) AS t(id)", channel.id, rank,
                    Move._search(channel._move_domain() & Domain("company_id", "=", company.id)
                                 & Domain("move_type", "in", ("out_invoice", "out_refund"))).subselect())
                for rank, channel in enumerate(channels) if channel._move_domain() is not None
            ]
            empty = SQL("SELECT NULL::int AS res_id, NULL::int AS channel_id, 0 AS seq WHERE FALSE")
            self.env.cr.execute(SQL(
                """
                WITH cand AS (%(cand)s),
                best AS (
                    SELECT DISTINCT ON (res_id) res_id, channel_id FROM cand ORDER BY res_id, seq
                ), target AS (
                    SELECT so.id, best.channel_id
                      FROM sale_order so LEFT JOIN best ON best.res_id = so.id
                     WHERE so.company_id = %(company)s AND NOT COALESCE(so.channel_override, FALSE)
                       AND (so.state = 'sale' OR so.channel_id IS NOT NULL)
                )
                UPDATE sale_order so SET channel_id = CASE WHEN so.state = 'sale' THEN target.channel_id END
                  FROM target
                 WHERE so.id = target.id
                   AND so.channel_id IS DISTINCT FROM (CASE WHEN so.state = 'sale' THEN target.channel_id END)
                """,
                cand=SQL(" UNION ALL ").join(order_candidates) if order_candidates else empty,
                company=company.id,
            ))
            orders += self.env.cr.rowcount
            self.env.cr.execute(SQL(
                """
                WITH from_order AS (
                    SELECT DISTINCT ON (aml.move_id) aml.move_id, so.channel_id
                      FROM account_move_line aml
                      JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                      JOIN sale_order_line sol ON sol.id = rel.order_line_id
                      JOIN sale_order so ON so.id = sol.order_id
                     WHERE aml.company_id = %(company)s AND so.channel_id IS NOT NULL
                  ORDER BY aml.move_id, so.id
                ), cand AS (%(cand)s),
                best AS (
                    SELECT DISTINCT ON (res_id) res_id, channel_id FROM cand ORDER BY res_id, seq
                ), target AS (
                    SELECT am.id, COALESCE(fo.channel_id, best.channel_id) AS channel_id
                      FROM account_move am
                 LEFT JOIN from_order fo ON fo.move_id = am.id
                 LEFT JOIN best ON best.res_id = am.id
                     WHERE am.company_id = %(company)s AND am.move_type IN ('out_invoice', 'out_refund')
                       AND NOT COALESCE(am.channel_override, FALSE)
                )
                UPDATE account_move am SET channel_id = target.channel_id
                  FROM target
                 WHERE am.id = target.id AND am.channel_id IS DISTINCT FROM target.channel_id
                """,
                cand=SQL(" UNION ALL ").join(move_candidates) if move_candidates else empty,
                company=company.id,
            ))
            invoices += self.env.cr.rowcount
        self.env["sale.order"].invalidate_model(["channel_id"])
        self.env["account.move"].invalidate_model(["channel_id"])
        return orders, invoices

    @api.model_create_multi
    def create(self, vals_list):
        channels = super().create(vals_list)
        self._schedule_assignment()
        return channels

    def write(self, vals):
        res = super().write(vals)
        if set(RULE_DEPENDS) & set(vals):
            self._schedule_assignment()
        return res

    # --- figures ----------------------------------------------------------------------
    def action_view_orders(self):
        self.check_access("read")
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": self.env._("Orders of %s", self.name),
                "res_model": "sale.order", "view_mode": "list,form", "domain": [("channel_id", "=", self.id)]}

    def action_view_evaluations(self):
        self.check_access("read")
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": self.env._("Scorecard of %s", self.name),
                "res_model": "crm.channel.evaluation", "view_mode": "list,graph,pivot,form",
                "domain": [("channel_id", "=", self.id)]}

    @api.constrains("name", "origin_pattern", "description")
    def _check_text_lengths(self):
        check_text_lengths(self, {
            "name": MAX_NAME_LENGTH, "origin_pattern": MAX_NAME_LENGTH, "description": MAX_TEXT_LENGTH,
        })
