from odoo import fields, models, tools
from odoo.tools import SQL


class CrmReportView(models.AbstractModel):
    """A read-only report of the suite: one row per line of a SQL view, money in its company's currency.

    The view is (re)created at install and update from ``_view_sql``, so that a report can never read a view
    of an older definition; its rows are never written.
    """

    _name = "crm.report.view"
    _description = "CRM Report View"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    def _view_sql(self):
        """The SELECT the report's view is made of."""
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), self._view_sql()))
