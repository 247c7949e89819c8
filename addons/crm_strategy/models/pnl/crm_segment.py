from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import fields, models

from ...const import WATERFALL


class CrmSegment(models.Model):
    """The segment's own P&L: its members' customer P&L over the last twelve months."""

    _inherit = "crm.segment"

    pnl_waterfall_html = fields.Html(
        compute="_compute_pnl_waterfall_html", sanitize=False, string="Segment P&L",
        help="The customer P&L of the members over the last twelve months, as a waterfall.",
    )

    def _pnl_period(self):
        """The twelve months, this one included, that the P&L tab and its smart button both show."""
        since = fields.Date.context_today(self).replace(day=1) - relativedelta(months=11)
        return since, since + relativedelta(months=12, days=-1)

    def _pnl_period_label(self):
        since, until = self._pnl_period()
        return self.env._("%(start)s – %(end)s", start=since.strftime("%b %Y"), end=until.strftime("%b %Y"))

    def _compute_pnl_waterfall_html(self):
        Pnl = self.env["crm.customer.pnl"]
        since, _until = self._pnl_period()
        for segment in self:
            if not segment._origin.id:
                segment.pnl_waterfall_html = False
                continue
            members = self.env["crm.segment.member"]._search(
                [("segment_id", "=", segment._origin.id), ("active", "=", True)])
            totals = Pnl._read_group(
                [("company_id", "=", segment.company_id.id), ("month", ">=", since),
                 ("partner_id", "in", members.subselect("partner_id"))],
                [], [f"{field}:sum" for field, _label, _sign in WATERFALL])[0]
            if not any(totals):
                segment.pnl_waterfall_html = Markup("<p class='text-muted'>%s</p>") % self.env._(
                    "No customer P&L for the members yet.")
                continue
            values = {field: total or 0.0 for (field, _l, _s), total in zip(WATERFALL, totals, strict=True)}
            segment.pnl_waterfall_html = Markup("<p class='text-muted mb-1'>%s</p>%s") % (
                self.env._("Members' customer P&L, %(period)s, in %(currency)s", period=self._pnl_period_label(),
                           currency=segment.company_id.currency_id.name),
                Pnl._waterfall_html(values, segment.company_id.currency_id))

    def action_view_pnl(self):
        self.check_access("read")
        self.ensure_one()
        members = self.env["crm.segment.member"].search([("segment_id", "=", self.id), ("active", "=", True)])
        since, _until = self._pnl_period()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("P&L of %(segment)s, %(period)s", segment=self.name, period=self._pnl_period_label()),
            "res_model": "crm.customer.pnl",
            "view_mode": "pivot,list,graph",
            "domain": [("company_id", "=", self.company_id.id), ("partner_id", "in", members.partner_id.ids),
                       ("month", ">=", since)],
        }

