from odoo import api, fields, models
from odoo.addons.crm_strategy.const import STRATEGY_ACTIONS
from odoo.addons.crm_strategy.tools.access import USER_GROUP

from ..const import GRADES, PROFIT_GROUPS


class ResPartner(models.Model):
    """The single customer view of the sales screens (quotation banner, partner kanban): segment and its strategy
    action, CLV with the grade of its fit, P(alive) (see res_partner.py) and, for the managers, the customer's
    profit over the last twelve months from the customer P&L."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_strategy_action = fields.Selection(
        STRATEGY_ACTIONS, string="Strategy Action", compute="_compute_crm_banner", groups=USER_GROUP,
        help="What the customer strategy does with the customer's primary segment.")
    crm_clv_grade = fields.Selection(
        GRADES, string="CLV Grade", compute="_compute_crm_banner", groups=USER_GROUP,
        help="Back-test grade of the fit behind the CLV: A beats the naive forecast, C is worse.")
    # customer margins are for the managers (strategy and sales), not for every salesperson
    crm_profit_12m = fields.Monetary(
        string="Profit (12 months)", compute="_compute_crm_profit_12m", currency_field="crm_metrics_currency_id",
        groups=PROFIT_GROUPS, help="The customer's profit in the customer P&L over the period shown.")
    crm_profit_period = fields.Char(string="Profit Period", compute="_compute_crm_profit_12m", groups=PROFIT_GROUPS)

    @api.depends_context("company")
    def _compute_crm_banner(self):
        for partner in self:
            partner.crm_strategy_action = partner.crm_primary_segment_id.strategy_action
            partner.crm_clv_grade = partner.crm_metrics_id.clv_model_id.backtest_grade

    @api.depends_context("company")
    def _compute_crm_profit_12m(self):
        """Summed from the customer profitability view, the P&L's twelve months up to this one."""
        rows = self.env["crm.customer.profitability"].sudo()._read_group(
            [("partner_id", "in", self.commercial_partner_id._origin.ids), ("company_id", "=", self.env.company.id)],
            ["partner_id"], ["profit:sum"])
        by_partner = {partner.id: profit for partner, profit in rows}
        period = self.env["crm.segment"]._pnl_period_label()
        for partner in self:
            partner.crm_profit_12m = by_partner.get(partner.commercial_partner_id._origin.id, 0.0)
            partner.crm_profit_period = period
