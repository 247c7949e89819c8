from odoo import fields, models
from odoo.tools import SQL

from ..const import RETENTION_REASONS


class CrmRetentionReport(models.Model):
    """The retention report: per trigger, whether the owner contacted the customer (activity done) and whether
    the customer bought again afterwards (a customer invoice after the trigger date, from the customer sales).
    A SQL view, so it follows the activities and invoices as they happen."""

    _name = "crm.retention.report"
    _inherit = "crm.report.view"
    _description = "Retention Report"
    _auto = False
    _order = "trigger_date desc, id desc"
    _rec_name = "partner_id"

    trigger_id = fields.Many2one("crm.retention.trigger", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    segment_id = fields.Many2one("crm.segment", string="Primary Segment", readonly=True)
    reason = fields.Selection(RETENTION_REASONS, readonly=True)
    trigger_date = fields.Date(string="Triggered On", readonly=True)
    contacted_date = fields.Date(string="Contacted On", readonly=True)
    bought_again_date = fields.Date(string="Bought Again On", readonly=True)
    triggered_count = fields.Integer(string="Triggered", readonly=True)
    contacted_count = fields.Integer(string="Contacted", readonly=True, help="The retention activity was done.")
    bought_again_count = fields.Integer(string="Bought Again", readonly=True,
                                        help="A customer invoice dated after the trigger.")
    revenue_since = fields.Monetary(readonly=True,
                                    help="Net invoiced revenue of the customer after the trigger date.")
    clv = fields.Monetary(string="CLV at Trigger", readonly=True)

    def _view_sql(self):
        # the sales restricted to the triggered customers inside the fact's own query (see _lines_sql)
        lines = self.env["crm.sales.fact"]._lines_sql(partners=SQL("SELECT partner_id FROM crm_retention_trigger"))
        return SQL(
            """
                WITH after AS (
                    SELECT t.id, MIN(f.invoice_date) FILTER (WHERE NOT f.is_refund) AS first_date,
                           SUM(f.revenue) AS revenue
                      FROM crm_retention_trigger t
                      JOIN (%s) f ON f.partner_id = t.partner_id AND f.company_id = t.company_id
                                 AND f.invoice_date > t.trigger_date
                  GROUP BY t.id
                )
                SELECT t.id, t.id AS trigger_id, t.partner_id, t.company_id, t.user_id, t.segment_id, t.reason,
                       t.trigger_date, t.contacted_date, t.clv,
                       after.first_date AS bought_again_date,
                       1 AS triggered_count,
                       CASE WHEN t.contacted_date IS NOT NULL THEN 1 ELSE 0 END AS contacted_count,
                       CASE WHEN after.first_date IS NOT NULL THEN 1 ELSE 0 END AS bought_again_count,
                       COALESCE(after.revenue, 0) AS revenue_since
                  FROM crm_retention_trigger t
             LEFT JOIN after ON after.id = t.id
            """, lines)
