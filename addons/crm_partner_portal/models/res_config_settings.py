from odoo import fields, models

from ..const import FALLBACK_USER_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_supplier_fallback_user_id = fields.Many2one(
        "res.users", string="Portal follow-up without a buyer", config_parameter=FALLBACK_USER_PARAM,
        domain=[("share", "=", False)],
        default=lambda self: self.env.ref("base.user_admin", raise_if_not_found=False),
        help="Gets the to-dos of the supplier portal (commitments and bills to check, stock offers to review) "
             "when the order has no internal buyer or the vendor no buyer. Empty: the administrator.",
        groups="base.group_system")
