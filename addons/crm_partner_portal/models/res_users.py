from odoo import api, models
from odoo.exceptions import AccessError

from ..const import FALLBACK_USER_PARAM


class ResUsers(models.Model):
    _inherit = "res.users"

    def _crm_is_portal_vendor_of(self, partner):
        """Whether the user may write on the supplier portal as the vendor ``partner``: a portal user of its
        commercial partner. Reading is not enough (an Inventory/User reads purchase orders), nor is an access
        token (a shared link), nor an internal account whose contact belongs to the vendor."""
        self.ensure_one()
        if not partner or not self._is_portal():
            return False
        commercial = self.commercial_partner_id
        # an order's vendor is most often the commercial partner itself: then its row need not be read
        return partner == commercial or partner.commercial_partner_id == commercial

    def _crm_check_supplier_answer(self, partners):
        """Raise AccessError unless the user may answer as the vendor(s) ``partners``: the model methods that
        write a vendor's answer run as superuser for the portal, so they ask this themselves. The superuser
        itself (crons, demo data, the shell) may."""
        self.ensure_one()
        if self._is_superuser():
            return
        if not partners or not all(self._crm_is_portal_vendor_of(partner) for partner in partners):
            raise AccessError(self.env._("Only the vendor's portal users can answer on the supplier portal."))

    @api.model
    def _crm_supplier_fallback_user(self):
        """Who gets the to-dos of the supplier portal when no buyer is known: the user of the setting, if still
        an active internal user, else the administrator (the behaviour before the setting existed)."""
        value = self.env["ir.config_parameter"].sudo().get_param(FALLBACK_USER_PARAM)
        user_id = int(value) if value and value.isascii() and value.isdigit() and len(value) <= 9 else 0
        user = self.sudo().browse(user_id).exists() if user_id else self.browse()
        if user and user.active and user._is_internal():
            return user.with_env(self.env)
        return self.env.ref("base.user_admin")
