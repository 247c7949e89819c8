from odoo import fields, models

CHANNEL_ROLES = [("primary", "Primary"), ("secondary", "Secondary"), ("none", "None")]
# how a segment's customers split over the channels of a scenario: primaries weigh twice a secondary
ROLE_WEIGHTS = {"primary": 2.0, "secondary": 1.0, "none": 0.0}


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
