"""The vendor's stock and lead times on the portal: its vendor pricelist lines, its offers, and new offers
(written by ``crm.supplier.stock.offer._crm_supplier_propose``)."""
from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..const import MAX_DELAY_DAYS
from .portal_home import SupplierPortal
from .portal_input import SupplierInputError, echo_values, parse_stock_form


class SupplierStockPortal(SupplierPortal):

    def _crm_supplierinfos(self):
        """The vendor pricelist lines of the user's company (superuser: portal users cannot read them)."""
        partner = request.env.user.partner_id.commercial_partner_id
        return request.env["product.supplierinfo"].sudo().search(
            [("partner_id", "child_of", partner.id), ("company_id", "in", [False, *request.env.user.company_ids.ids])],
            order="product_tmpl_id, id")

    @http.route("/my/supplier/stock", type="http", auth="user", website=True, readonly=True, methods=["GET"])
    def portal_supplier_stock(self, message=None, **kw):
        return self._crm_stock_page(message=message if isinstance(message, str) else None)

    def _crm_stock_page(self, status=200, **extra):
        """The stock page; after a refused form (status 400) with the typed values and the errors."""
        values = self._prepare_portal_layout_values()
        infos = self._crm_supplierinfos()
        offers = request.env["crm.supplier.stock.offer"].search([], limit=100)
        values.update({"page_name": "supplier_stock", "supplierinfos": infos, "offers": offers, "message": None,
                       "form_values": None, "form_errors": {}, "error_message": None,
                       "can_write": request.env.user._crm_is_portal_vendor_of(request.env.user.partner_id),
                       **extra})
        return request.render("crm_partner_portal.portal_supplier_stock", values, status=status)

    @http.route("/my/supplier/stock", type="http", auth="user", website=True, methods=["POST"])
    def portal_supplier_stock_post(self, **kw):
        """Fields per pricelist line: see ``portal_input.parse_stock_form``. A refused form comes back with the
        vendor's values and the errors next to the fields (HTTP 400), nothing written."""
        if refusal := self._crm_write_refusal(request.env.user.partner_id):
            return refusal
        form = request.httprequest.form
        infos = {str(info.id): info for info in self._crm_supplierinfos()}
        try:
            rows = parse_stock_form(infos, form, MAX_DELAY_DAYS)
            request.env["crm.supplier.stock.offer"]._crm_supplier_propose(
                {infos[key]: row for key, row in rows.items()})
        except SupplierInputError as e:
            return self._crm_stock_refused(form, infos, str(e), e.errors)
        except (UserError, ValidationError) as e:
            return self._crm_stock_refused(form, infos, e.args[0], {})
        return request.redirect("/my/supplier/stock?message=sent")

    def _crm_stock_refused(self, form, infos, message, errors):
        typed = echo_values(form, lambda name: name.partition("-")[2] in infos)
        return self._crm_stock_page(status=400, form_values=typed, error_message=message, form_errors=errors)
