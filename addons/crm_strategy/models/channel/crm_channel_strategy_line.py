from odoo import fields, models

from ...const import CHANNEL_ROLES


class CrmChannelStrategyLine(models.Model):
    """One cell of a channel scenario: the role a channel plays for a segment."""

    _name = "crm.channel.strategy.line"
    _description = "Channel Strategy Cell"
    _order = "strategy_id, segment_id, channel_id"
    _check_company_auto = True

    strategy_id = fields.Many2one("crm.channel.strategy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="strategy_id.company_id", store=True, index=True)
    segment_id = fields.Many2one("crm.segment", required=True, ondelete="cascade", check_company=True)
    channel_id = fields.Many2one("crm.channel", required=True, ondelete="cascade", check_company=True)
    role = fields.Selection(CHANNEL_ROLES, required=True, default="primary")

    _strategy_segment_channel_uniq = models.Constraint(
        "UNIQUE(strategy_id, segment_id, channel_id)", "A channel has one role per segment in a scenario.")
