from odoo import fields, models
from odoo.addons.crm_strategy.tools.access import USER_GROUP

from ..const import PROFIT_GROUPS


class SaleOrder(models.Model):
    """The single customer view on the quotation: the customer's figures (see res_partner_banner.py) in a banner."""

    _inherit = "sale.order"

    crm_banner_segment_id = fields.Many2one(
        "crm.segment", string="Customer Segment", related="partner_id.crm_primary_segment_id", groups=USER_GROUP)
    crm_banner_action = fields.Selection(
        string="Strategy Action", related="partner_id.crm_strategy_action", groups=USER_GROUP)
    crm_banner_metrics_id = fields.Many2one(
        "crm.customer.metrics", string="Customer Analytics", related="partner_id.crm_metrics_id", groups=USER_GROUP)
    crm_banner_currency_id = fields.Many2one(
        "res.currency", string="Analytics Currency", related="partner_id.crm_metrics_currency_id", groups=USER_GROUP)
    crm_banner_clv = fields.Monetary(
        string="Customer CLV", related="partner_id.crm_clv", currency_field="crm_banner_currency_id",
        groups=USER_GROUP)
    crm_banner_clv_historical = fields.Boolean(
        string="Historical CLV", related="partner_id.crm_clv_historical", groups=USER_GROUP)
    crm_banner_clv_grade = fields.Selection(
        string="CLV Grade", related="partner_id.crm_clv_grade", groups=USER_GROUP)
    crm_banner_p_alive = fields.Float(string="Customer P(alive)", related="partner_id.crm_p_alive", groups=USER_GROUP)
    crm_banner_profit = fields.Monetary(
        string="Customer Profit (12 months)", related="partner_id.crm_profit_12m",
        currency_field="crm_banner_currency_id", groups=PROFIT_GROUPS)
    crm_banner_profit_period = fields.Char(
        string="Customer Profit Period", related="partner_id.crm_profit_period", groups=PROFIT_GROUPS)
