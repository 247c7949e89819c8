from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _crm_is_portal_vendor_of(self, partner):
        """Whether the user may write on the supplier portal as the vendor ``partner``: a portal user of its
        commercial partner. Reading is not enough (an Inventory/User reads purchase orders), nor is an access
        token (a shared link), nor an internal account whose contact belongs to the vendor."""
        self.ensure_one()
        return bool(partner) and self._is_portal() \
            and self.commercial_partner_id == partner.commercial_partner_id
