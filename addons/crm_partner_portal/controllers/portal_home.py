"""The supplier portal's home page and what every page of it shares: which orders a vendor sees, the
ownership checks of records and writes, the error page."""
from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError
from odoo.fields import Domain
from odoo.http import request

from ..const import PORTAL_ORDER_STATES
from .portal_input import parse_id, parse_token


class SupplierPortal(CustomerPortal):
    """The vendor's side of collaborative CRM. Reads go through the portal user's own access rights
    (record rules isolate commercial partners) or the document's access token; writes go through the models'
    methods, which accept only the vendor's own portal users (and so does `_crm_write_refusal`, asked
    first): neither read access nor a token is enough. The pages are split by concept: orders, bills,
    forecast, stock (one controller class each, extending this one)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_supplier_attention_count" in counters:
            values["crm_supplier_attention_count"] = (
                len(self._crm_supplier_attention_orders()) if self._crm_is_supplier() else 0)
        return values

    def _crm_is_supplier(self):
        Order = request.env["purchase.order"]
        return Order.has_access("read") and bool(Order.search_count(self._crm_order_domain(), limit=1))

    def _crm_order_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return Domain("partner_id", "child_of", partner.id) & Domain("state", "in", PORTAL_ORDER_STATES)

    def _crm_supplier_attention_orders(self):
        """Open orders waiting for the vendor: not acknowledged, or with lines nobody answered."""
        Order = request.env["purchase.order"]
        visible = Order._search(self._crm_order_domain() & Domain("state", "in", ("sent", "purchase"))
                                & Domain("locked", "=", False))
        # the answers are read as superuser on the orders the user may see: an employee who reads purchase
        # orders on this page may not read the commitments' fields
        unanswered = Domain("order_line", "any", [("crm_supplier_commit_ids", "=", False),
                                                  ("display_type", "=", False)])
        waiting = Order.sudo().search(
            Domain("id", "in", visible.subselect()) & (Domain("acknowledged", "=", False) | unanswered),
            order="date_order desc, id desc", limit=20)
        return waiting.with_env(request.env)

    def _crm_document_check(self, model, record_id, access_token=None):
        """The record as superuser, if the vendor may see it; NotFound otherwise (no hint it exists), also for an
        id that is no int4 and a token that is no ASCII text (Odoo's lookup would fail on them with a 500)."""
        record_id = parse_id(record_id)
        if not record_id:
            raise request.not_found()
        try:
            return self._document_check_access(model, record_id, access_token=parse_token(access_token))
        except (AccessError, MissingError):
            raise request.not_found() from None

    def _crm_bad_request(self, message, page_name="supplier_error", status=400):
        values = self._prepare_portal_layout_values()
        values.update(page_name=page_name, error_message=message)
        return request.render("crm_partner_portal.portal_supplier_error", values, status=status)

    def _crm_write_refusal(self, partner):
        """None when the user may write as the vendor ``partner`` (one of its portal users), otherwise the 403
        page saying so. Every POST route asks this before reading the form (the model methods check again)."""
        if request.env.user._crm_is_portal_vendor_of(partner):
            return None
        return self._crm_bad_request(
            request.env._("Only the vendor's portal users can answer on the supplier portal."), status=403)

    @http.route("/my/supplier", type="http", auth="user", website=True, readonly=True)
    def portal_supplier_home(self, **kw):
        Order, Forecast = request.env["purchase.order"], request.env["crm.supplier.forecast"]
        domain = self._crm_order_domain()
        values = self._prepare_portal_layout_values()
        attention = self._crm_supplier_attention_orders()
        values.update({
            "page_name": "supplier_home",
            "attention_orders": attention,
            "rfq_count": Order.search_count(domain & Domain("state", "=", "sent")),
            "order_count": Order.search_count(domain & Domain("state", "=", "purchase")),
            "unacknowledged_count": Order.search_count(
                domain & Domain("state", "in", ("sent", "purchase")) & Domain("acknowledged", "=", False)),
            "forecast_count": Forecast.search_count([("state", "=", "published")])
            if Forecast.has_access("read") else 0,  # an employee who reads orders may not read forecasts
        })
        return request.render("crm_partner_portal.portal_supplier_home", values)
