from odoo import api, fields, models


class CrmChannelStrategyComparisonLine(models.TransientModel):
    """One segment of a strategy comparison: the change, its expected impact and the conflict it meets."""

    _name = "crm.channel.strategy.comparison.line"
    _description = "Channel Strategy Comparison Line"
    _order = "conflict_rank, id"

    comparison_id = fields.Many2one("crm.channel.strategy.comparison", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="comparison_id.currency_id")
    segment_id = fields.Many2one("crm.segment", required=True, ondelete="cascade")
    old_channels = fields.Char()
    new_channels = fields.Char()
    change_needed = fields.Boolean(help="The roles change, or customers buy through a channel the new strategy drops.")
    change_summary = fields.Char(string="Changes")
    customer_count = fields.Integer(string="Customers", help="Members of the segment invoiced in the period.")
    current_revenue = fields.Monetary()
    revenue_to_migrate = fields.Monetary(help="Revenue of the period through channels the new strategy does not use.")
    old_expected_revenue = fields.Monetary()
    new_expected_revenue = fields.Monetary()
    revenue_impact = fields.Monetary()
    old_expected_cost = fields.Monetary()
    new_expected_cost = fields.Monetary()
    cost_impact = fields.Monetary()
    new_channel_count = fields.Integer(string="Channels in New Strategy")
    multi_channel_customers = fields.Integer(help="Customers of the segment served through several channels.")
    multi_channel_pct = fields.Float(string="Multi-channel (%)")
    overlap_revenue = fields.Monetary(string="Revenue Overlap", help="Revenue of the multi-channel customers.")
    overlap_pct = fields.Float(string="Overlap (%)")
    price_gap_pct = fields.Float(
        string="Price Gap (%)", help="Widest difference of average unit price between channels on one product "
        "for the segment's customers, as a share of the highest price.")
    price_gap_product_id = fields.Many2one("product.product", string="Product with the Widest Gap")
    conflict_intensity = fields.Float(help="Mean of the multi-channel %, overlap % and price gap %.")
    conflict_rank = fields.Integer()

    @api.depends("segment_id", "comparison_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._("%(segment)s: %(comparison)s", segment=line.segment_id.display_name,
                                           comparison=line.comparison_id.display_name)
