from odoo import fields, models
from odoo.addons.crm_strategy.tools.access import USER_GROUP


class ResPartner(models.Model):
    """A distributor: a company linked to the channel it resells through; its portal users report its
    sell-out and stock (``crm.distributor.sellout``)."""

    _inherit = "res.partner"

    crm_distributor_channel_id = fields.Many2one(
        "crm.channel", string="Distributor of Channel", index="btree_not_null", ondelete="restrict",
        groups=f"{USER_GROUP},purchase.group_purchase_user",
        help="Set on a distributor (a company): its portal users report sell-out and stock per product and week, "
             "and see the forecast of its channel.")
