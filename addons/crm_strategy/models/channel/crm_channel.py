
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ...const import CHANNEL_TYPES
from ...tools import pg
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.limits import MAX_AMOUNT, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths
from ...tools.notify import done_at, refresh_notification
from ...tools.pg import bulk_load, local_settings
from .crm_channel_assignment_sql import target, write_statement

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
        """Reassigning a large company reads every order and invoice: run it in the cron, soon, rather than
        in the request that edited a rule."""
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
        """Set-based: per company, one statement for the orders and one for the invoices, writing the
        channel assignments that change; channels set by hand stay. Returns (orders changed, invoices
        changed)."""
        orders = invoices = 0
        self.env.flush_all()
        for company in companies or self.env.companies:
            orders += self._assign_kind(self.env["sale.order"], company)
            invoices += self._assign_kind(self.env["account.move"], company)
        return orders, invoices

    @api.model
    def _assign_documents(self, records):
        """Assign these orders or invoices again, by the same statement as the bulk assignment."""
        self.env.flush_all()
        for company in records.company_id:
            self._assign_kind(records, company, records.filtered(lambda r, c=company: r.company_id == c).ids)

    @api.model
    def _assign_kind(self, documents, company, ids=None):
        """Write the channels of the company's documents of one model (of ``ids`` only, when given)."""
        Doc = documents.sudo().with_context(active_test=False).browse()
        scope = Doc._channel_scope_domain(company)
        if ids is not None:
            scope &= Domain("id", "in", ids)
        rules = []
        for channel in self._active_channels(company):
            rule = Doc._channel_rule_domain(channel)
            if rule is not None:
                rules.append((channel.id, self._table_condition(Doc, rule)))
        winners = target(Doc._table, self._table_condition(Doc, scope), rules,
                         Doc._channel_candidates_sql(company, ids))
        cr = self.env.cr
        if ids is not None:
            [(changed,)] = self.env.execute_query(write_statement(Doc._channel_key, company.id, winners, ids))
        else:
            # every document of the company: no JIT (compiling costs more than it saves), hash joins on the
            # winners staged with their statistics; when many rows are new (the first assignment of a large
            # company), one anti-join per foreign key checks them rather than a trigger call per row and key
            with local_settings(cr, jit="off"):
                cr.execute(SQL("CREATE TEMP TABLE crm_channel_target ON COMMIT DROP AS %s", winners))
                cr.execute("ANALYZE crm_channel_target")
                [(new,)] = self.env.execute_query(SQL(
                    "SELECT COUNT(*) FROM crm_channel_target t WHERE NOT EXISTS "
                    "(SELECT 1 FROM crm_channel_assignment ca WHERE %s = t.res_id)",
                    SQL.identifier("ca", Doc._channel_key)))
                with bulk_load(cr, "crm_channel_assignment", new):
                    [(changed,)] = self.env.execute_query(write_statement(
                        Doc._channel_key, company.id, SQL("SELECT res_id, channel_id FROM crm_channel_target")))
                cr.execute("DROP TABLE crm_channel_target")
            if changed >= pg.BULK_LOAD_ROWS:
                cr.execute("ANALYZE crm_channel_assignment")  # the next statements plan on the new rows
        self.env["crm.channel.assignment"].invalidate_model()
        Doc.invalidate_model(["channel_id", "channel_override"])
        return changed

    @api.model
    def _table_condition(self, Doc, domain):
        """``domain`` as a condition on Doc's table, aliased by its own name (a statement scanning the table
        tests it on each row): the ORM's WHERE clause when it reads that table alone, else a subquery."""
        query = Doc._search(domain)
        if query.is_empty():
            return SQL("FALSE")
        if query.from_clause.code == SQL.identifier(Doc._table).code:
            return query.where_clause if query.where_clause.code else SQL("TRUE")
        return SQL("%s IN %s", SQL.identifier(Doc._table, "id"), query.subselect())

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
