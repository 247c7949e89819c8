from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_strategy_abc_threshold_a = fields.Float(
        string="Class A up to (%)", config_parameter="crm_strategy.abc_threshold_a", default=80.0,
        help="Products making the first share of a segment's revenue (or margin) are class A.",
        groups="base.group_system",
    )
    crm_strategy_abc_threshold_b = fields.Float(
        string="Class B up to (%)", config_parameter="crm_strategy.abc_threshold_b", default=95.0,
        help="The next products up to this cumulative share are class B; the rest are C.",
        groups="base.group_system",
    )

    @api.constrains("crm_strategy_abc_threshold_a", "crm_strategy_abc_threshold_b")
    def _check_abc_thresholds(self):
        for settings in self:
            if not 0 < settings.crm_strategy_abc_threshold_a < settings.crm_strategy_abc_threshold_b <= 100:
                raise ValidationError(self.env._(
                    "ABC thresholds must satisfy 0 < class A < class B <= 100 (cumulative shares in percent)."))
