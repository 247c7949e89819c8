from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_analytics_source = fields.Selection(
        [("invoice", "Posted invoices"), ("order", "Confirmed orders")], string="Analytics source",
        config_parameter="crm_analytics.source", default="invoice",
        help="Documents the customer metrics are computed from.")
    crm_analytics_time_unit = fields.Selection(
        [("day", "Day"), ("week", "Week"), ("month", "Month")], string="Model time unit",
        config_parameter="crm_analytics.time_unit", default="week",
        help="Unit of recency and customer age in the BG/NBD model.")
    crm_analytics_horizon_months = fields.Integer(
        string="CLV horizon (months)", config_parameter="crm_analytics.horizon_months", default=12)
    crm_analytics_discount_rate = fields.Float(
        string="Annual discount rate (%)", config_parameter="crm_analytics.discount_rate", default=10.0)
    crm_analytics_buy_days = fields.Integer(
        string="Likelihood to buy within (days)", config_parameter="crm_analytics.buy_days", default=30)
    crm_analytics_holdout_months = fields.Integer(
        string="Back-test holdout (months)", config_parameter="crm_analytics.holdout_months", default=6)
    crm_analytics_channel_dimension = fields.Selection(
        [("channel", "Sales channel"), ("source", "UTM source"), ("medium", "UTM medium"), ("team", "Sales team")],
        string="Acquisition channel", config_parameter="crm_analytics.channel_dimension", default="channel",
        help="What names the channel a customer was acquired through: the channel of the first document "
             "(CRM > Strategy > Channels; its UTM source when no channel recognises it), its UTM source or medium, "
             "or its sales team.")
    crm_analytics_forecast_months = fields.Integer(
        string="Forecast horizon (months)", config_parameter="crm_analytics.forecast_months", default=6)
    crm_analytics_backtest_months = fields.Integer(
        string="Forecast back-test (months)", config_parameter="crm_analytics.backtest_months", default=12)
