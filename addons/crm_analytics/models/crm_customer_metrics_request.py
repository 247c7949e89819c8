from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.access import MANAGER_GROUP


class CrmCustomerMetricsRequest(models.Model):
    """A refresh of a company's customer analytics asked for from the interface and not done yet: the queue of
    the background job (``crm.customer.metrics._cron_refresh_requested``), one row per company. The job drops a
    row in the same transaction as its refresh, so a job killed half-way resumes with the companies it had not
    done."""

    _name = "crm.customer.metrics.request"
    _description = "Customer Metrics Refresh Request"
    _order = "id"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", groups=MANAGER_GROUP)
    full_refresh = fields.Boolean(
        groups=MANAGER_GROUP,
        help="Refit the models and recompute every customer; otherwise only the customers whose documents "
             "changed since the last refresh.")

    _company_uniq = models.Constraint("UNIQUE(company_id)", "One queued refresh per company.")

    @api.model
    def _queue(self, companies, full):
        """Ask for a refresh of ``companies``; a queued full refresh is not downgraded by a later request for the
        changes only. Runs with the caller's rights: a manager queues the companies they work in."""
        queued = self.search([("company_id", "in", companies.ids)])
        if full:
            queued.filtered(lambda request: not request.full_refresh).write({"full_refresh": True})
        self.create([{"company_id": company.id, "full_refresh": full} for company in companies - queued.company_id])
