from odoo import models
from odoo.tools import SQL

PREVIOUS_TABLE = "crm_retention_previous"


class CrmCustomerMetrics(models.Model):
    """Retention triggers after each refresh: the rows before the swap are kept aside, then compared with the
    new ones (see crm.retention.trigger._detect)."""

    _inherit = "crm.customer.metrics"  # pylint: disable=consider-merging-classes-inherited

    def _swap(self, company, settings, frame, model, full):
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(PREVIOUS_TABLE)))
        cr.execute(SQL(
            "CREATE TEMP TABLE %s ON COMMIT DROP AS "
            "SELECT partner_id, rfm_segment, p_alive FROM crm_customer_metrics WHERE company_id = %s",
            SQL.identifier(PREVIOUS_TABLE), company.id))
        result = super()._swap(company, settings, frame, model, full)
        self.env["crm.retention.trigger"].sudo()._detect(company, PREVIOUS_TABLE)
        cr.execute(SQL("DROP TABLE %s", SQL.identifier(PREVIOUS_TABLE)))
        return result
