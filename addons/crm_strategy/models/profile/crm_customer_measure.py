from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ...const import MEASURE_FIELDS
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.notify import done_at, refresh_notification


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
        self.env.cr.execute(SQL(
            """
            WITH inv AS (
                SELECT company_id, partner_id,
                       SUM(revenue) AS revenue_total,
                       SUM(revenue) FILTER (WHERE invoice_date > %(since)s) AS revenue_12m,
                       SUM(margin) AS margin_total,
                       SUM(margin) FILTER (WHERE invoice_date > %(since)s) AS margin_12m,
                       SUM(undiscounted_revenue) AS gross,
                       COUNT(DISTINCT move_id) FILTER (WHERE NOT is_refund) AS invoice_count
                  FROM (%(lines)s) f
              GROUP BY company_id, partner_id
            ), so AS (
                SELECT so.company_id, rp.commercial_partner_id AS partner_id,
                       MIN(so.date_order)::date AS first_order_date,
                       MAX(so.date_order)::date AS last_order_date,
                       COUNT(*) AS order_count
                  FROM sale_order so
                  JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id IN %(companies)s
              GROUP BY so.company_id, rp.commercial_partner_id
            ), merged AS (
                SELECT COALESCE(inv.company_id, so.company_id) AS company_id,
                       COALESCE(inv.partner_id, so.partner_id) AS partner_id,
                       so.first_order_date, so.last_order_date,
                       COALESCE(so.order_count, 0) AS order_count,
                       COALESCE(inv.revenue_12m, 0) AS revenue_12m,
                       COALESCE(inv.revenue_total, 0) AS revenue_total,
                       COALESCE(inv.margin_12m, 0) AS margin_12m,
                       COALESCE(inv.margin_total, 0) AS margin_total,
                       COALESCE(inv.revenue_total / NULLIF(inv.invoice_count, 0), 0) AS average_order_value,
                       CASE WHEN COALESCE(inv.gross, 0) > 0
                            THEN ROUND((100 * (inv.gross - inv.revenue_total) / inv.gross)::numeric, 2) ELSE 0 END
                           AS discount_share,
                       %(today)s::date - so.last_order_date AS days_since_last_order
                  FROM inv FULL OUTER JOIN so ON so.company_id = inv.company_id AND so.partner_id = inv.partner_id
            ), upserted AS (
                INSERT INTO crm_customer_measure AS m (
                    company_id, partner_id, first_order_date, last_order_date, order_count, revenue_12m,
                    revenue_total, margin_12m, margin_total, average_order_value, discount_share,
                    days_since_last_order, refresh_date)
                SELECT company_id, partner_id, first_order_date, last_order_date, order_count, revenue_12m,
                       revenue_total, margin_12m, margin_total, average_order_value, discount_share,
                       days_since_last_order, NOW() AT TIME ZONE 'UTC'
                  FROM merged
                ON CONFLICT (partner_id, company_id) DO UPDATE SET
                    first_order_date = EXCLUDED.first_order_date, last_order_date = EXCLUDED.last_order_date,
                    order_count = EXCLUDED.order_count, revenue_12m = EXCLUDED.revenue_12m,
                    revenue_total = EXCLUDED.revenue_total, margin_12m = EXCLUDED.margin_12m,
                    margin_total = EXCLUDED.margin_total, average_order_value = EXCLUDED.average_order_value,
                    discount_share = EXCLUDED.discount_share,
                    days_since_last_order = EXCLUDED.days_since_last_order,
                    refresh_date = EXCLUDED.refresh_date
                RETURNING m.id
            )
            DELETE FROM crm_customer_measure old
             WHERE old.company_id IN %(companies)s
               AND old.id NOT IN (SELECT id FROM upserted)
            """,
            since=today - timedelta(days=365),
            today=today,
            companies=tuple(companies.ids),
            lines=self.env["crm.sales.fact"]._lines_sql(companies.ids),
        ))
        self.env.cr.execute(SQL("ANALYZE crm_customer_measure"))  # segment rules plan on fresh figures
        self.invalidate_model()
        self.env["crm.typology.rule"]._apply_rules(companies)
        self.env["res.partner"].invalidate_model(list(MEASURE_FIELDS))
