import datetime
import hashlib
import math
from collections import defaultdict
from urllib.parse import urlencode

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Domain
from odoo.http import content_disposition, request

from ..models import crm_supplier_forecast as forecast_module
from ..models import crm_supplier_stock_offer as offer_module
from ..models import purchase_order as purchase_module
from .portal_input import (
    REASON_LIMIT,
    SupplierInputError,
    clean_search,
    echo_values,
    parse_commit_form,
    parse_forecast_form,
    parse_id,
    parse_stock_form,
    parse_token,
)

# Orders a vendor can see on the portal: the buyer has sent them (drafts are the buyer's business).
VISIBLE_STATES = ("sent", "to approve", "purchase", "cancel")
MAX_SPLITS = 3


class SupplierPortal(CustomerPortal):
    """The vendor's side of collaborative CRM. Reads go through the portal user's own access rights
    (record rules isolate commercial partners) or the document's access token; writes go through superuser
    only for the vendor's own portal users (`_crm_write_refusal`): neither read access nor a token is enough."""

    # ------------------------------------------------------------------ helpers
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
        return Domain("partner_id", "child_of", partner.id) & Domain("state", "in", VISIBLE_STATES)

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

    def _crm_order_check(self, order_id, access_token=None):
        """The order as superuser, if the vendor may see it; NotFound otherwise (no hint it exists), also for an
        id that is no int4 and a token that is no ASCII text (Odoo's lookup would fail on them with a 500)."""
        order_id = parse_id(order_id)
        if not order_id:
            raise request.not_found()
        try:
            order_sudo = self._document_check_access("purchase.order", order_id, access_token=parse_token(access_token))
        except (AccessError, MissingError):
            raise request.not_found() from None
        if order_sudo.state not in VISIBLE_STATES:
            raise request.not_found()
        return order_sudo

    def _crm_bad_request(self, message, page_name="supplier_error", status=400):
        values = self._prepare_portal_layout_values()
        values.update(page_name=page_name, error_message=message)
        return request.render("crm_partner_portal.portal_supplier_error", values, status=status)

    def _crm_write_refusal(self, partner):
        """None when the user may write as the vendor ``partner`` (one of its portal users), otherwise the 403
        page saying so. Every POST route asks this before changing anything."""
        if request.env.user._crm_is_portal_vendor_of(partner):
            return None
        return self._crm_bad_request(
            request.env._("Only the vendor's portal users can answer on the supplier portal."), status=403)

    # ------------------------------------------------------------------ pages
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
                                "bills": self._crm_order_bills(order_sudo) if can_write else [], **extra},
            "my_supplier_orders_history", False)
        return request.render("crm_partner_portal.portal_supplier_order", values, status=status)

    def _crm_order_bills(self, order_sudo):
        """The bills the vendor uploaded for the order, newest first, as plain values for the page (only for
        the vendor's own portal users: the caller checks it)."""
        bills = request.env["account.move"].sudo().search([("crm_supplier_order_id", "=", order_sudo.id)],
                                                          order="id desc")
        files = self._crm_bill_files(bills, order_sudo.partner_id)  # checked again on download
        result = []
        for bill in bills:
            if bill.state == "cancel":
                status = request.env._("Cancelled")
            elif bill.state == "draft":
                status = request.env._("Received, to be checked by the buyer")
            elif bill.payment_state in ("paid", "in_payment"):
                status = request.env._("Paid")
            elif bill.payment_state == "partial":
                status = request.env._("Partially paid")
            else:
                status = request.env._("Registered")
            result.append({
                "id": bill.id, "file_name": files[bill.id].name if bill.id in files else bill.display_name,
                "has_file": bill.id in files,
                "reference": bill.name if bill.state == "posted" else "",
                "date_uploaded": bill.create_date,
                "amount": bill.amount_total, "currency": bill.currency_id, "status": status, "state": bill.state,
            })
        return result

    @staticmethod
    def _crm_bill_files(bills, vendor):
        """{bill id: the file the vendor sent} (superuser records): the first attachment of the first message a
        contact of the vendor posted on the bill (the upload), never a file of the buyer; one query for all."""
        messages = request.env["mail.message"].sudo().search([
            ("model", "=", "account.move"), ("res_id", "in", bills.ids), ("attachment_ids", "!=", False),
            ("author_id", "child_of", vendor.commercial_partner_id.id)], order="id")
        files = {}
        for message in messages:
            files.setdefault(message.res_id, message.attachment_ids.sorted("id")[:1])
        return files

    def _crm_bill_file(self, bill, vendor):
        """The vendor's file of a bill if its content is still the uploaded one (SHA-256 of the upload)."""
        attachment = self._crm_bill_files(bill, vendor).get(bill.id)
        if not attachment or not bill.crm_supplier_bill_sha256 \
                or hashlib.sha256(attachment.raw or b"").hexdigest() != bill.crm_supplier_bill_sha256:
            return None
        return attachment

    @http.route("/my/supplier/orders/<int:order_id>", type="http", auth="user", website=True)
    def portal_supplier_order(self, order_id, access_token=None, message=None, bill=None, **kw):
        order_sudo = self._crm_order_check(order_id, access_token)
        return self._crm_order_page(order_sudo, access_token, message=message if isinstance(message, str) else None,
                                    new_bill_id=parse_id(bill))

    @http.route("/my/supplier/orders/<int:order_id>/bills/<int:bill_id>", type="http", auth="user", website=True,
                readonly=True)
    def portal_supplier_order_bill_download(self, order_id, bill_id, **kw):
        """The PDF of a bill the vendor uploaded, for the vendor's own portal users only (no access token)."""
        order_sudo = self._crm_order_check(order_id)
        if not request.env.user._crm_is_portal_vendor_of(order_sudo.partner_id):
            return self._crm_bad_request(
                request.env._("Only the vendor's portal users can download its bills."), status=403)
        bill_id = parse_id(bill_id)
        bill = request.env["account.move"].sudo().search(
            [("id", "=", bill_id or 0), ("crm_supplier_order_id", "=", order_sudo.id)], limit=1)
        attachment = self._crm_bill_file(bill, order_sudo.partner_id) if bill else None
        if not attachment:
            raise request.not_found()
        return request.make_response(attachment.raw, headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", content_disposition(attachment.name or "bill.pdf")),
            ("X-Content-Type-Options", "nosniff"),
        ])

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

    @http.route("/my/supplier/orders/<int:order_id>/bill", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_supplier_order_bill(self, order_id, bill=None, **kw):
        """Upload a PDF bill (10 MB at most): a draft vendor bill linked to the order, buyer notified. A refused
        file comes back to the order page with the reason next to the file field (HTTP 400)."""
        order_sudo = self._crm_order_check(order_id)
        if refusal := self._crm_write_refusal(order_sudo.partner_id):
            return refusal
        if not hasattr(bill, "read"):
            message = request.env._("Choose a PDF file to upload.")
            return self._crm_order_page(order_sudo, status=400, form_errors={"bill": message}, error_message=message)
        content = bill.read(purchase_module.MAX_BILL_SIZE + 1)
        try:
            with request.env.cr.savepoint():
                new_bill = order_sudo._crm_supplier_upload_bill(bill.filename or "", content,
                                                                request.env.user.partner_id)
        except (UserError, ValidationError) as e:
            return self._crm_order_page(order_sudo, status=400, form_errors={"bill": e.args[0]},
                                        error_message=e.args[0])
        return request.redirect(f"/my/supplier/orders/{order_sudo.id}?message=billed&bill={new_bill.id}#bills")

    # ------------------------------------------------------------------ forecast
    def _crm_forecast_check(self, forecast_id, access_token=None):
        """The forecast as superuser, if the vendor may see it; NotFound otherwise (see `_crm_order_check`)."""
        forecast_id = parse_id(forecast_id)
        if not forecast_id:
            raise request.not_found()
        try:
            return self._document_check_access("crm.supplier.forecast", forecast_id,
                                               access_token=parse_token(access_token))
        except (AccessError, MissingError):
            raise request.not_found() from None

    # 12 buckets a product: a page of 20 products keeps the grid light on a phone and on the server
    _crm_forecast_products_per_page = 20

    def _crm_forecast_grid(self, forecast_sudo, page=1, search=None, show_all=False):
        """Products of one page and their 12 buckets, in a constant number of queries whatever the number of
        products. By default only the products the vendor has something to answer for: a net requirement in
        a week, or a commitment already sent."""
        Line = request.env["crm.supplier.forecast.line"].sudo()
        domain = Domain("forecast_id", "=", forecast_sudo.id)
        if search:
            domain &= Domain("product_id", "any", [("display_name", "ilike", search)])
        needed = domain & (Domain("qty_net", ">", 0) | Domain("date_committed", "!=", False))
        product_count = len(Line._read_group(domain, ["product_id"]))
        products = [product for (product,) in Line._read_group(domain if show_all else needed, ["product_id"],
                                                                order="product_id")]
        step = self._crm_forecast_products_per_page
        url_args = {"search": search or ""}
        if show_all:
            url_args["show"] = "all"
        pager = portal_pager(url=f"/my/supplier/forecast/{forecast_sudo.id}", total=len(products), page=page,
                             step=step, url_args=url_args)
        page_ids = [p.id for p in products[pager["offset"]:pager["offset"] + step]]
        lines = Line.search(domain & Domain("product_id", "in", page_ids))
        weeks = list(range(forecast_module.WEEKS))
        # plain values for the template: no ORM attribute access per cell while rendering
        cells = defaultdict(lambda: [None] * len(weeks))
        totals = defaultdict(lambda: {"net": 0.0, "committed": 0.0})
        for line in lines:
            net, committed = line.qty_net, line.qty_committed
            cells[line.product_id.id][line.week] = {
                "id": line.id, "net": net, "committed": committed if line.date_committed else None,
                "answerable": net > 0 or bool(line.date_committed),
                "demand": line.qty_demand, "on_hand": line.qty_on_hand, "incoming": line.qty_incoming,
            }
            totals[line.week]["net"] += net
            totals[line.week]["committed"] += committed
        week_starts = [forecast_sudo.date_start + datetime.timedelta(weeks=w) for w in weeks]
        page_products = request.env["product.product"].sudo().browse(page_ids).with_context(
            display_default_code=False)
        rows = [{"name": product.display_name, "code": product.default_code or "", "uom": product.uom_id.name,
                 "cells": cells[product.id]} for product in page_products]
        units = {row["uom"] for row in rows}
        return {
            "rows": rows, "weeks": weeks, "week_starts": week_starts, "months": self._crm_month_spans(week_starts),
            "chart": self._crm_forecast_chart(week_starts, totals), "pager": pager, "show_all": show_all,
            "product_count": product_count, "shown_count": len(products),
            "toggle_url": f"/my/supplier/forecast/{forecast_sudo.id}?" + urlencode(
                {k: v for k, v in (("search", search), ("show", None if show_all else "all")) if v}),
            "chart_unit": units.pop() if len(units) == 1 else request.env._("each product's unit"),
        }

    @staticmethod
    def _crm_month_spans(days):
        """[(first day of the month, number of weeks starting in it)] for the month header of the grid."""
        spans = []
        for day in days:
            if spans and (spans[-1][0].year, spans[-1][0].month) == (day.year, day.month):
                spans[-1][1] += 1
            else:
                spans.append([day, 1])
        return spans

    @staticmethod
    def _crm_forecast_chart(week_starts, totals):
        """Geometry of the server-side SVG bar chart (no script): bars of net requirement and commitments per
        week on a y axis with round ticks; labels are rendered by the template with Odoo's date format."""
        top = max([max(t["net"], t["committed"]) for t in totals.values()] + [0.0])
        step = 1.0
        if top > 0:
            raw = top / 4
            magnitude = 10 ** math.floor(math.log10(raw))
            step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        ticks = [step * n for n in range(5)]
        scale_top = ticks[-1]
        plot = {"left": 80, "right": 790, "top": 40, "bottom": 230}
        height = plot["bottom"] - plot["top"]
        group = (plot["right"] - plot["left"]) / len(week_starts)

        def y_of(value):
            return round(plot["bottom"] - height * value / scale_top, 1)

        bars = []
        for week, day in enumerate(week_starts):
            net, committed = totals[week]["net"], totals[week]["committed"]
            x = plot["left"] + week * group
            bars.append({"day": day, "x_net": round(x + group * 0.12, 1), "x_committed": round(x + group * 0.5, 1),
                         "width": round(group * 0.38, 1), "x_label": round(x + group / 2, 1),
                         "net": net, "committed": committed, "y_net": y_of(net), "y_committed": y_of(committed),
                         "h_net": round(plot["bottom"] - y_of(net), 1),
                         "h_committed": round(plot["bottom"] - y_of(committed), 1)})
        return {"bars": bars, "plot": plot, "ticks": [{"value": t, "y": y_of(t)} for t in ticks],
                "first": week_starts[0], "last": week_starts[-1] + datetime.timedelta(days=6)}

    @http.route(["/my/supplier/forecast", "/my/supplier/forecast/<int:forecast_id>",
                 "/my/supplier/forecast/<int:forecast_id>/page/<int:page>"],
                type="http", auth="user", website=True, readonly=True)
    def portal_supplier_forecast(self, forecast_id=None, page=1, access_token=None, search=None, message=None,
                                 show=None, **kw):
        if forecast_id is not None:  # from the path or the query string: anything but an id of its own is a 404
            forecast_sudo = self._crm_forecast_check(forecast_id, access_token)
        else:
            forecast_sudo = None
        return self._crm_forecast_page(forecast_sudo, access_token=access_token, page=page, search=search,
                                       show=show, message=message if isinstance(message, str) else None)

    def _crm_forecast_page(self, forecast_sudo, access_token=None, page=1, search=None, show=None, status=200,
                           **extra):
        """The forecast page; after a refused form (status 400) with the typed values and the errors."""
        Forecast = request.env["crm.supplier.forecast"]
        versions = Forecast.search([("state", "in", ("published", "superseded"))], order="version desc", limit=20)
        if forecast_sudo is None:
            forecast_sudo = versions.filtered(lambda f: f.state == "published")[:1].sudo()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "supplier_forecast", "forecast": forecast_sudo, "versions": versions,
                       "message": None, "search": clean_search(search), "form_values": None, "form_errors": {},
                       "error_message": None, "page": parse_id(page) or 1,
                       "can_write": request.env.user._crm_is_portal_vendor_of(forecast_sudo.partner_id), **extra})
        if forecast_sudo:
            values.update(self._crm_forecast_grid(forecast_sudo, page=values["page"], search=values["search"],
                                                  show_all=show == "all"))
            values = self._get_page_view_values(forecast_sudo, parse_token(access_token), values,
                                                "my_supplier_forecast_history", False)
        return request.render("crm_partner_portal.portal_supplier_forecast", values, status=status)

    @http.route("/my/supplier/forecast/<int:forecast_id>/commit", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_supplier_forecast_commit(self, forecast_id, page=None, search=None, show=None, **kw):
        """Fields commit-<line id> = quantity the vendor commits for that bucket (empty: unchanged); page, search
        and show bring a refused form back on the page it was sent from."""
        forecast_sudo = self._crm_forecast_check(forecast_id)
        if refusal := self._crm_write_refusal(forecast_sudo.partner_id):
            return refusal
        if forecast_sudo.state != "published":
            return self._crm_bad_request(request.env._("This forecast was superseded: commit on the latest one."))
        form = request.httprequest.form
        lines = {str(line.id): line for line in forecast_sudo.line_ids}
        try:
            updates = parse_forecast_form(lines, form)
            with request.env.cr.savepoint():
                now = fields.Datetime.now()
                for line, qty in updates.items():
                    try:
                        line.write({"qty_committed": qty, "date_committed": now})
                    except ValidationError as e:
                        raise SupplierInputError(e.args[0], {f"commit-{line.id}": e.args[0]}) from None
                forecast_sudo.message_post(
                    body=request.env._("The vendor committed %(count)s week(s) on the portal.", count=len(updates)),
                    author_id=request.env.user.partner_id.id)
        except SupplierInputError as e:
            typed = echo_values(form, lambda name: name.startswith("commit-") and name[7:] in lines)
            return self._crm_forecast_page(forecast_sudo, page=page, search=search, show=show, status=400,
                                           form_values=typed, form_errors=e.errors, error_message=str(e))
        url_args = {"message": "committed", "show": "all" if show == "all" else None,
                    "search": clean_search(search) or None}
        page = parse_id(page)
        base = f"/my/supplier/forecast/{forecast_sudo.id}" + (f"/page/{page}" if page and page > 1 else "")
        return request.redirect(base + "?" + urlencode({k: v for k, v in url_args.items() if v}))

    @http.route("/my/supplier/forecast/<int:forecast_id>/xlsx", type="http", auth="user", website=True,
                readonly=True)
    def portal_supplier_forecast_xlsx(self, forecast_id, access_token=None, **kw):
        forecast_sudo = self._crm_forecast_check(forecast_id, access_token)
        content = forecast_sudo._crm_export_xlsx()
        filename = f"forecast-v{forecast_sudo.version}.xlsx"
        return request.make_response(content, headers=[
            ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition", content_disposition(filename)),
            ("X-Content-Type-Options", "nosniff"),
        ])

    # ------------------------------------------------------------------ stock and lead times
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
        Offer = request.env["crm.supplier.stock.offer"].sudo()
        try:
            rows = parse_stock_form(infos, form, offer_module.MAX_DELAY_DAYS)
            vals_list = [{
                **row, "supplierinfo_id": infos[key].id, "partner_id": infos[key].partner_id.commercial_partner_id.id,
                "company_id": (infos[key].company_id or request.env.company).id,
            } for key, row in rows.items()]
            with request.env.cr.savepoint():
                Offer.search([("supplierinfo_id", "in", [v["supplierinfo_id"] for v in vals_list]),
                              ("state", "=", "proposed")]).state = "superseded"
                offers = Offer.create(vals_list)
                for offer in offers:
                    offer.activity_schedule(
                        "mail.mail_activity_data_todo", summary=request.env._("Review the vendor's stock offer"),
                        user_id=(offer.partner_id.buyer_id or request.env.ref("base.user_admin")).id)
        except (SupplierInputError, ValidationError) as e:
            typed = echo_values(form, lambda name: name.partition("-")[2] in infos)
            return self._crm_stock_page(status=400, form_values=typed, error_message=str(e.args[0]),
                                        form_errors=getattr(e, "errors", {}))
        return request.redirect("/my/supplier/stock?message=sent")
