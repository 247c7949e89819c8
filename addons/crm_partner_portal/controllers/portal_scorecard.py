"""The vendor's own scorecard on the portal: on-time delivery, quantity accuracy, response time and
commitment reliability, each with its period (``crm.supplier.scorecard._crm_vendor_card``)."""
from odoo import http
from odoo.http import request

from .portal_home import SupplierPortal


class SupplierScorecardPortal(SupplierPortal):

    @http.route("/my/supplier/scorecard", type="http", auth="user", website=True, readonly=True)
    def portal_supplier_scorecard(self, **kw):
        """Only a vendor's portal users, and only their own commercial partner's figures (404 otherwise)."""
        partner = request.env.user.commercial_partner_id
        if not (self._crm_is_supplier() and request.env.user._crm_is_portal_vendor_of(partner)):
            raise request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(page_name="supplier_scorecard", **request.env["crm.supplier.scorecard"]._crm_vendor_card(partner))
        return request.render("crm_partner_portal.portal_supplier_scorecard", values)
