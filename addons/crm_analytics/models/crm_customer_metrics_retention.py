from odoo import models
from odoo.tools import SQL

from ..tools.pgcopy import int_array

PREVIOUS_TABLE = "crm_retention_previous"


class CrmCustomerMetrics(models.Model):
    """Retention triggers after each refresh: the rows before the swap are kept aside, then compared with the
    new ones (see crm.retention.trigger._detect)."""

    _inherit = "crm.customer.metrics"  # pylint: disable=consider-merging-classes-inherited

    def _swap(self, company, settings, frame, model, full):
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(PREVIOUS_TABLE)))
        # an incremental refresh rewrites only its customers: only theirs can cross (and its cost stays that of
        # the customers it recomputes, whatever the size of the table)
        only = SQL("TRUE") if full else SQL("partner_id = ANY(%s::int4[])", int_array(frame["partner_id"].tolist()))
        cr.execute(SQL(
            "CREATE TEMP TABLE %s ON COMMIT DROP AS "
            "SELECT partner_id, rfm_segment, p_alive FROM crm_customer_metrics WHERE company_id = %s AND %s",
            SQL.identifier(PREVIOUS_TABLE), company.id, only))
        result = super()._swap(company, settings, frame, model, full)
        self.env["crm.retention.trigger"].sudo()._detect(company, PREVIOUS_TABLE)
        cr.execute(SQL("DROP TABLE %s", SQL.identifier(PREVIOUS_TABLE)))
        return result
