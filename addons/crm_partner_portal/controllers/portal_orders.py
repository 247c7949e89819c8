"""The vendor's purchase orders on the portal: the list, one order, its acknowledgement and the vendor's
commitments per line (written by ``purchase.order._crm_register_supplier_commits``)."""
from odoo import fields, http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.http import request

from ..const import MAX_SPLITS, PORTAL_ORDER_STATES
from .portal_home import SupplierPortal
from .portal_input import (
    REASON_LIMIT,
    SupplierInputError,
    clean_search,
    echo_values,
    parse_commit_form,
    parse_id,
    parse_token,
)


class SupplierOrderPortal(SupplierPortal):

    def _crm_order_check(self, order_id, access_token=None):
        """The order as superuser, if the vendor may see it (sent to it); NotFound otherwise."""
        order_sudo = self._crm_document_check("purchase.order", order_id, access_token)
        if order_sudo.state not in PORTAL_ORDER_STATES:
            raise request.not_found()
        return order_sudo

    def _crm_order_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_order desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name asc, id asc"},
            "planned": {"label": request.env._("Expected Arrival"), "order": "date_planned asc, id asc"},
            "amount": {"label": request.env._("Total"), "order": "amount_total desc, id desc"},
        }

    def _crm_order_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": Domain.TRUE},
            "open": {"label": request.env._("To answer"), "domain": Domain("state", "in", ("sent", "purchase"))
                     & Domain("locked", "=", False)},
            "rfq": {"label": request.env._("Requests for Quotation"), "domain": Domain("state", "=", "sent")},
            "purchase": {"label": request.env._("Purchase Orders"), "domain": Domain("state", "=", "purchase")},
            "cancel": {"label": request.env._("Cancelled"), "domain": Domain("state", "=", "cancel")},
        }

    @http.route(["/my/supplier/orders", "/my/supplier/orders/page/<int:page>"],
                type="http", auth="user", website=True, readonly=True)
    def portal_supplier_orders(self, page=1, sortby=None, filterby=None, search=None, search_in="name", **kw):
        Order = request.env["purchase.order"]
        sortings, filters = self._crm_order_sortings(), self._crm_order_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = self._crm_order_domain() & filters[filterby]["domain"]
        search = clean_search(search)
        if search:
            domain &= Domain("name", "ilike", search)
        count = Order.search_count(domain)
        pager = portal_pager(url="/my/supplier/orders", total=count, page=parse_id(page) or 1,
                             step=self._items_per_page,
                             url_args={"sortby": sortby, "filterby": filterby, "search": search})
        orders = Order.search(domain, order=sortings[sortby]["order"], limit=self._items_per_page,
                              offset=pager["offset"])
        request.session["my_supplier_orders_history"] = orders.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "supplier_orders", "orders": orders, "pager": pager, "default_url": "/my/supplier/orders",
            "searchbar_sortings": sortings, "sortby": sortby, "searchbar_filters": filters, "filterby": filterby,
            "searchbar_inputs": {"name": {"input": "name", "label": request.env._("Search in Reference")}},
            "search_in": "name", "search": search,
        })
        return request.render("crm_partner_portal.portal_supplier_orders", values)

    def _crm_order_page_values(self, order_sudo, can_write):
        """Values of the order page that other concepts add to (the bills: ``portal_bills``)."""
        return {"bills": []}

    def _crm_order_page(self, order_sudo, access_token=None, status=200, **extra):
        """The order page; after a refused form (status 400) with the vendor's typed values and the errors."""
        token = parse_token(access_token)
        can_write = request.env.user._crm_is_portal_vendor_of(order_sudo.partner_id)
        # the first delivery is proposed on the requested date, or today when that date is past (a past date
        # would be refused)
        today = fields.Date.context_today(order_sudo)
        default_dates = {line.id: max(line.date_planned.date(), today).isoformat()
                         for line in order_sudo.order_line if line.date_planned}
        values = self._get_page_view_values(
            order_sudo, token, {"supplier_order": order_sudo, "page_name": "supplier_order",
                                "can_edit": order_sudo._crm_supplier_can_edit(), "can_write": can_write,
                                "max_splits": MAX_SPLITS, "message": None, "form_values": None, "form_errors": {},
                                "error_message": None, "new_bill_id": None, "default_dates": default_dates,
                                **self._crm_order_page_values(order_sudo, can_write), **extra},
            "my_supplier_orders_history", False)
        return request.render("crm_partner_portal.portal_supplier_order", values, status=status)

    @http.route("/my/supplier/orders/<int:order_id>", type="http", auth="user", website=True)
    def portal_supplier_order(self, order_id, access_token=None, message=None, bill=None, **kw):
        order_sudo = self._crm_order_check(order_id, access_token)
        return self._crm_order_page(order_sudo, access_token, message=message if isinstance(message, str) else None,
                                    new_bill_id=parse_id(bill))

    # ------------------------------------------------------------------ actions (POST only, CSRF checked)
    @http.route("/my/supplier/orders/<int:order_id>/acknowledge", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_supplier_order_acknowledge(self, order_id, **kw):
        order_sudo = self._crm_order_check(order_id)
        if refusal := self._crm_write_refusal(order_sudo.partner_id):
            return refusal
        if not order_sudo._crm_supplier_can_edit():
            return self._crm_bad_request(request.env._("This order is locked, done or cancelled: it is read-only."))
        order_sudo.action_crm_supplier_acknowledge()
        return request.redirect(f"/my/supplier/orders/{order_sudo.id}?message=acknowledged")

    @http.route("/my/supplier/orders/<int:order_id>/commit", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_supplier_order_commit(self, order_id, **kw):
        """Form fields: see ``portal_input.parse_commit_form``. All or nothing: a refused form comes back with
        the vendor's values and the errors next to the fields (HTTP 400), nothing written."""
        order_sudo = self._crm_order_check(order_id)
        if refusal := self._crm_write_refusal(order_sudo.partner_id):
            return refusal
        if not order_sudo._crm_supplier_can_edit():
            return self._crm_bad_request(request.env._("This order is locked, done or cancelled: it is read-only."))
        form = request.httprequest.form
        lines = {str(line.id): line for line in order_sudo.order_line if not line.display_type}
        try:
            commits_by_line = parse_commit_form(lines, form, fields.Date.context_today(order_sudo), MAX_SPLITS)
            with request.env.cr.savepoint():
                order_sudo._crm_register_supplier_commits(commits_by_line, request.env.user.partner_id)
        except SupplierInputError as e:
            return self._crm_commit_form_refused(order_sudo, form, str(e), e.errors)
        except (UserError, ValidationError) as e:
            return self._crm_commit_form_refused(order_sudo, form, e.args[0], {})
        return request.redirect(f"/my/supplier/orders/{order_sudo.id}?message=committed")

    def _crm_commit_form_refused(self, order_sudo, form, message, errors):
        line_keys = {str(line.id) for line in order_sudo.order_line}
        typed = echo_values(form, lambda name: name.partition("-")[2].split("-")[0] in line_keys,
                            {"reason": REASON_LIMIT})
        return self._crm_order_page(order_sudo, status=400, form_values=typed, form_errors=errors,
                                    error_message=message)
