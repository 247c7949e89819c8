from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ...const import MEASURE_FIELDS
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.notify import done_at, refresh_notification
from .crm_customer_measure_sql import refresh_statement


class CrmCustomerMeasure(models.Model):
    """Behavioural measures per commercial partner and company.

    A table refreshed set-based from posted customer invoices and confirmed sale
    orders (SQL aggregation, one upsert), so that segment rules, typology and
    reports read stored figures instead of recomputing them per partner.
    """

    _name = "crm.customer.measure"
    _description = "Customer Measures"
    _order = "revenue_12m desc, id"
    _rec_name = "partner_id"
    _log_access = False  # computed table written by SQL; refresh_date says when

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    first_order_date = fields.Date(readonly=True)
    last_order_date = fields.Date(readonly=True)
    order_count = fields.Integer(string="Confirmed Orders", readonly=True, aggregator="sum",
                                 help="Confirmed sales orders, all time (quotations not counted).")
    revenue_12m = fields.Monetary(string="Revenue (12 months)", readonly=True)
    revenue_total = fields.Monetary(string="Revenue (lifetime)", readonly=True)
    margin_12m = fields.Monetary(string="Margin (12 months)", readonly=True)
    margin_total = fields.Monetary(string="Margin (lifetime)", readonly=True)
    average_order_value = fields.Monetary(
        string="Average Invoice", readonly=True, aggregator="avg",
        help="Lifetime net revenue divided by the number of invoices (credit notes reduce the revenue, not the count).")
    discount_share = fields.Float(
        string="Discount Share (%)", readonly=True, aggregator="avg",
        help="Discounts granted as a share of the gross (list) value of invoiced lines, in percent.",
    )
    days_since_last_order = fields.Integer(readonly=True, aggregator="avg")
    typology_id = fields.Many2one("crm.typology.rule", readonly=True, index=True)
    refresh_date = fields.Datetime(readonly=True)

    _partner_company_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id)", "One measure row per customer and company."
    )

    def action_refresh(self):
        """List header button (called with the selected ids, which it ignores): every customer is refreshed."""
        check_group(self.env, MANAGER_GROUP)
        self._refresh_measures()
        companies = self.env.companies
        count = self.sudo().search_count([("company_id", "in", companies.ids)])
        return refresh_notification(
            self.env._("Customer measures refreshed"),
            self.env._("%(count)s customers of %(companies)s, at %(when)s.", count=count,
                       companies=", ".join(companies.mapped("name")), when=done_at(self.env)))

    @api.model
    def _cron_refresh(self):
        self._refresh_measures(self.env["res.company"].search([("active", "=", True)]))

    @api.model
    def _refresh_measures(self, companies=None):
        """Recompute every measure of the given companies in one statement, then the typology."""
        companies = companies or self.env.companies
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(refresh_statement(
            companies.ids, self.env["crm.sales.fact"]._lines_sql(companies.ids), today - timedelta(days=365), today))
        self.env.cr.execute(SQL("ANALYZE crm_customer_measure"))  # segment rules plan on fresh figures
        self.invalidate_model()
        self.env["crm.typology.rule"]._apply_rules(companies)
        self.env["res.partner"].invalidate_model(list(MEASURE_FIELDS))
