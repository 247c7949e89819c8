"""The vendor's purchase orders on the portal, on Odoo's own ``/my/purchase`` pages: its acknowledgement and
the vendor's commitments per line (written by ``purchase.order._crm_register_supplier_commits``)."""
import functools
from collections import defaultdict
from urllib.parse import urlencode

from odoo import fields, http
from odoo.addons.purchase.controllers.portal import CustomerPortal as PurchasePortal
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import SQL

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

# the suite's former list filters and sortings, as Odoo's /my/purchase knows them (old links redirect there)
OLD_FILTERS = {"all": "crm_all", "open": "crm_open", "rfq": "crm_rfq", "purchase": "purchase", "cancel": "cancel"}
OLD_SORTINGS = {"date": "date", "name": "name", "planned": "crm_planned", "amount": "amount_total"}


class SupplierOrderPortal(SupplierPortal, PurchasePortal):
    """One order list: Odoo's ``/my/purchase`` pages, extended with the vendor's acknowledgement, commitments
    and bills; the suite's former ``/my/supplier/orders`` pages redirect there, filters kept."""

    def _crm_order_check(self, order_id, access_token=None):
        """The order as superuser, if the vendor may see it (sent to it); NotFound otherwise."""
        order_sudo = self._crm_document_check("purchase.order", order_id, access_token)
        if order_sudo.state not in PORTAL_ORDER_STATES:
            raise request.not_found()
        return order_sudo

    # ------------------------------------------------------------------ Odoo's list, extended
    def _get_purchase_searchbar_sortings(self):
        sortings = super()._get_purchase_searchbar_sortings()
        sortings["crm_planned"] = {"label": request.env._("Expected Arrival"), "order": "date_planned asc, id asc"}
        return sortings

    def _crm_purchase_filters(self):
        """Filters the suite adds to Odoo's list: orders to answer, requests for quotation, all of them."""
        return {
            "crm_all": {"label": request.env._("All, with requests for quotation"),
                        "domain": [("state", "in", PORTAL_ORDER_STATES)]},
            "crm_open": {"label": request.env._("To answer"),
                         "domain": [("state", "in", ("sent", "purchase")), ("locked", "=", False)]},
            "crm_rfq": {"label": request.env._("Requests for Quotation"), "domain": [("state", "=", "sent")]},
        }

    def _render_portal(self, template, page, date_begin, date_end, sortby, filterby, domain, searchbar_filters,
                       default_filter, url, history, page_name, key):
        if page_name == "rfq":  # Odoo's list of requests for quotation: the vendor's answers too
            response = super()._render_portal(template, page, date_begin, date_end, sortby, filterby, domain,
                                              searchbar_filters, default_filter, url, history, page_name, key)
            response.qcontext["crm_answers"] = self._crm_order_answers(response.qcontext.get(key))
            return response
        if page_name != "purchase":
            return super()._render_portal(template, page, date_begin, date_end, sortby, filterby, domain,
                                          searchbar_filters, default_filter, url, history, page_name, key)
        searchbar_filters = {**searchbar_filters, **self._crm_purchase_filters()}
        # an unknown filter or sorting (an old bookmark, a typed URL) is the default, not a server error
        filterby = filterby if filterby in searchbar_filters else None
        sortby = sortby if sortby in self._get_purchase_searchbar_sortings() else None
        search = clean_search(request.params.get("search"))
        if search:
            domain = [*domain, ("name", "ilike", search)]
        response = super()._render_portal(template, parse_id(page) or 1, date_begin, date_end, sortby, filterby,
                                          domain, searchbar_filters, default_filter, url, history, page_name, key)
        orders = response.qcontext.get(key)
        if orders is not None:
            response.qcontext.update({
                "crm_answers": self._crm_order_answers(orders),
                "searchbar_inputs": {"name": {"input": "name", "label": request.env._("Search in Reference")}},
                "search_in": "name", "search": search,
            })
        return response

    def _crm_order_answers(self, orders):
        """{order id: {"badge", "acknowledged", "commits", "bills", "requested"}} of the listed orders in one query
        for the page: the answer badge (cancelled, locked, acknowledged or to acknowledge), the live commitments,
        the bills uploaded (counted in SQL on orders the user may already see: their commitments and bills are
        not the portal user's to read through the ORM) and whether the order is still a request; the rows render
        from these values alone, no field read per row."""
        if not orders:
            return {}
        env = request.env
        env["purchase.order"].flush_model(["state", "locked", "acknowledged", "date_approve"])
        env["crm.supplier.commit"].flush_model(["order_id", "state"])
        env["account.move"].flush_model(["crm_supplier_order_id", "state"])
        rows = env.execute_query(SQL(
            """
    SELECT po.id,
           CASE WHEN po.state = 'cancel' THEN 'cancel' WHEN po.locked THEN 'locked'
                WHEN po.acknowledged THEN 'acknowledged' ELSE 'to_acknowledge' END, po.acknowledged,
           (SELECT COUNT(*) FROM crm_supplier_commit c WHERE c.order_id = po.id AND c.state != 'superseded'),
           (SELECT COUNT(*) FROM account_move m WHERE m.crm_supplier_order_id = po.id AND m.state != 'cancel'),
           po.date_approve IS NULL AND po.state IN ('sent', 'to approve')
      FROM purchase_order po
     WHERE po.id = ANY(%s)
            """, orders.ids))
        return {order_id: {"badge": badge, "acknowledged": acknowledged, "commits": commits, "bills": bills,
                           "requested": requested}
                for order_id, badge, acknowledged, commits, bills, requested in rows}

    # ------------------------------------------------------------------ the suite's former list: redirects
    @http.route(["/my/supplier/orders", "/my/supplier/orders/page/<int:page>"],
                type="http", auth="user", website=True, readonly=True)
    def portal_supplier_orders(self, page=1, sortby=None, filterby=None, search=None, **kw):
        """Moved to Odoo's ``/my/purchase`` (301): the filter, sorting, search and page go along."""
        page = parse_id(page) or 1
        args = {"filterby": OLD_FILTERS.get(filterby, "crm_all"), "sortby": OLD_SORTINGS.get(sortby, "date")}
        if search := clean_search(search):
            args["search"] = search
        path = "/my/purchase" if page == 1 else f"/my/purchase/page/{page}"
        return request.redirect(f"{path}?{urlencode(args)}", code=301)

    # ------------------------------------------------------------------ the order page: Odoo's, extended
    def _crm_order_page_values(self, order_sudo, can_write):
        """Values of the order page that other concepts add to (the bills: ``portal_bills``)."""
        return {"bills": []}

    def _crm_order_lines(self, order_sudo):
        """The order's product lines, their unit and live commitments as plain values for the answer form: one
        query for units and commitments, no ORM read per cell while rendering, and each quantity and date
        formatted once per distinct value (they repeat from line to line)."""
        lines = order_sudo.order_line.filtered(lambda ln: not ln.display_type)
        if not lines:
            return []
        env = request.env
        env["purchase.order.line"].flush_model(["product_uom_id"])
        env["crm.supplier.commit"].flush_model(["order_line_id", "kind", "reason", "quantity", "date_commit", "state"])
        rows = env.execute_query(SQL(
            """
    SELECT line.id, COALESCE(uom.name->>%(lang)s, uom.name->>'en_US'),
           c.kind, c.reason, c.quantity, c.date_commit, c.state
      FROM purchase_order_line line
      LEFT JOIN uom_uom uom ON uom.id = line.product_uom_id
      LEFT JOIN crm_supplier_commit c ON c.order_line_id = line.id AND c.state != 'superseded'
     WHERE line.id = ANY(%(ids)s)
  ORDER BY c.date_commit, c.id
            """, lang=env.lang or "en_US", ids=lines.ids))
        states = dict(env["crm.supplier.commit"]._fields["state"]._description_selection(env))
        qty_text = self._crm_formatter("float", decimal_precision="Product Unit")
        date_text = self._crm_formatter("date")
        uoms, live = {}, defaultdict(list)
        for line_id, uom, kind, reason, quantity, date_commit, state in rows:
            uoms[line_id] = uom or ""
            if kind:
                live[line_id].append({"kind": kind, "reason": reason, "qty_text": qty_text(quantity),
                                      "date_text": date_text(date_commit), "state": states.get(state, state)})
        # the first delivery is proposed on the requested date, or today when that date is past (a past date
        # would be refused)
        today = fields.Date.context_today(order_sudo)
        return [{"id": line.id, "name": line.name, "qty": line.product_qty, "qty_text": qty_text(line.product_qty),
                 "uom": uoms.get(line.id, ""), "date_text": date_text(line.date_planned),
                 "default_date": max(line.date_planned.date(), today).isoformat() if line.date_planned else None,
                 "commits": live[line.id]} for line in lines]

    @staticmethod
    def _crm_formatter(widget, **options):
        """The text QWeb's ``widget`` shows for a value (with ``options``), computed once per distinct value."""
        converter = request.env[f"ir.qweb.field.{widget}"]

        @functools.cache
        def text(value):
            return converter.value_to_html(value, options) if value or value == 0 else ""
        return text

    def _crm_supplier_values(self, order_sudo, **extra):
        """What the suite's section of Odoo's order page needs: the vendor's rights, the commitment form."""
        can_write = request.env.user._crm_is_portal_vendor_of(order_sudo.partner_id)
        message = request.params.get("message")
        return {"crm_supplier_section": order_sudo.state in PORTAL_ORDER_STATES, "supplier_order": order_sudo,
                "can_edit": order_sudo._crm_supplier_can_edit(), "can_write": can_write, "max_splits": MAX_SPLITS,
                "message": message if isinstance(message, str) else None, "form_values": None, "form_errors": {},
                "error_message": None, "new_bill_id": parse_id(request.params.get("bill")),
                "crm_lines": self._crm_order_lines(order_sudo),
                **self._crm_order_page_values(order_sudo, can_write), **extra}

    def _purchase_order_get_page_view_values(self, order, access_token, **kwargs):
        values = super()._purchase_order_get_page_view_values(order, access_token, **kwargs)
        values.update(self._crm_supplier_values(order.sudo()))
        return values

    def _crm_order_page(self, order_sudo, access_token=None, status=200, **extra):
        """Odoo's order page after a refused form (status 400), with the vendor's typed values and the errors."""
        values = self._purchase_order_get_page_view_values(order_sudo, parse_token(access_token))
        values.update(extra)
        if order_sudo.company_id:
            values["res_company"] = order_sudo.company_id
        return request.render("purchase.portal_my_purchase_order", values, status=status)

    @http.route("/my/supplier/orders/<int:order_id>", type="http", auth="user", website=True, readonly=True)
    def portal_supplier_order(self, order_id, access_token=None, **kw):
        """Moved to Odoo's ``/my/purchase/<id>`` (301), once the vendor may see the order (404 otherwise)."""
        order_sudo = self._crm_order_check(order_id, access_token)
        args = {key: value for key, value in request.httprequest.args.items()
                if key in ("access_token", "message", "bill") and isinstance(value, str)}
        query = f"?{urlencode(args)}" if args else ""
        return request.redirect(f"/my/purchase/{order_sudo.id}{query}", code=301)

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
        return request.redirect(f"/my/purchase/{order_sudo.id}?message=acknowledged")

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
        return request.redirect(f"/my/purchase/{order_sudo.id}?message=committed")

    def _crm_commit_form_refused(self, order_sudo, form, message, errors):
        line_keys = {str(line.id) for line in order_sudo.order_line}
        typed = echo_values(form, lambda name: name.partition("-")[2].split("-")[0] in line_keys,
                            {"reason": REASON_LIMIT})
        return self._crm_order_page(order_sudo, status=400, form_values=typed, form_errors=errors,
                                    error_message=message)
