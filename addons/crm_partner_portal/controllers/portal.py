import datetime
from collections import defaultdict

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
    SupplierInputError,
    check_text,
    clean_search,
    parse_amount,
    parse_date,
    parse_days,
    parse_id,
    parse_quantity,
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

    @http.route("/my/supplier/orders/<int:order_id>", type="http", auth="user", website=True)
    def portal_supplier_order(self, order_id, access_token=None, message=None, **kw):
        order_sudo = self._crm_order_check(order_id, access_token)
        values = self._get_page_view_values(
            order_sudo, parse_token(access_token), {"supplier_order": order_sudo, "page_name": "supplier_order",
                                       "can_edit": order_sudo._crm_supplier_can_edit(),
                                       "can_write": request.env.user._crm_is_portal_vendor_of(order_sudo.partner_id),
                                       "max_splits": MAX_SPLITS, "message": message},
            "my_supplier_orders_history", False, **kw)
        return request.render("crm_partner_portal.portal_supplier_order", values)

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
        """Form fields per line: qty-<line>-<n> / date-<line>-<n> (n < MAX_SPLITS, empty rows ignored),
        or reject-<line>=1 with reason-<line>. All or nothing: one bad value writes nothing."""
        order_sudo = self._crm_order_check(order_id)
        if refusal := self._crm_write_refusal(order_sudo.partner_id):
            return refusal
        if not order_sudo._crm_supplier_can_edit():
            return self._crm_bad_request(request.env._("This order is locked, done or cancelled: it is read-only."))
        try:
            commits_by_line = self._crm_parse_commit_form(order_sudo, request.httprequest.form)
        except SupplierInputError as e:
            return self._crm_bad_request(str(e))
        try:
            with request.env.cr.savepoint():
                order_sudo._crm_register_supplier_commits(commits_by_line, request.env.user.partner_id)
        except (UserError, ValidationError) as e:
            return self._crm_bad_request(e.args[0])
        return request.redirect(f"/my/supplier/orders/{order_sudo.id}?message=committed")

    @http.route("/my/supplier/orders/<int:order_id>/bill", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_supplier_order_bill(self, order_id, bill=None, **kw):
        """Upload a PDF bill (10 MB at most): a draft vendor bill linked to the order, buyer notified."""
        order_sudo = self._crm_order_check(order_id)
        if refusal := self._crm_write_refusal(order_sudo.partner_id):
            return refusal
        if not hasattr(bill, "read"):
            return self._crm_bad_request(request.env._("Choose a PDF file to upload."))
        content = bill.read(purchase_module.MAX_BILL_SIZE + 1)
        try:
            with request.env.cr.savepoint():
                order_sudo._crm_supplier_upload_bill(bill.filename or "", content, request.env.user.partner_id)
        except (UserError, ValidationError) as e:
            return self._crm_bad_request(e.args[0])
        return request.redirect(f"/my/supplier/orders/{order_sudo.id}?message=billed")

    def _crm_parse_commit_form(self, order_sudo, form):
        lines = {str(line.id): line for line in order_sudo.order_line if not line.display_type}
        rows = defaultdict(dict)
        for key, raw in form.items():
            parts = key.split("-")
            if parts[0] not in ("qty", "date", "reject", "reason"):
                continue
            if len(parts) < 2 or parts[1] not in lines:
                raise SupplierInputError(request.env._("The form names a line that is not on this order."))
            if parts[0] in ("qty", "date"):
                if len(parts) != 3 or parts[2] not in {str(n) for n in range(MAX_SPLITS)}:
                    raise SupplierInputError(request.env._("Malformed form field."))
                rows[parts[1]].setdefault(parts[2], {})[parts[0]] = raw.strip()
            else:
                rows[parts[1]][parts[0]] = raw
        result = {}
        for line_key, data in rows.items():
            line = lines[line_key]
            if data.get("reject"):
                reason = check_text((data.get("reason") or "").strip(), request.env._("reason"), 2000)
                if not reason:
                    raise SupplierInputError(
                        request.env._("Give a reason to reject %(product)s.", product=line.name[:80]))
                result[line] = [{"kind": "reject", "reason": reason, "quantity": 0.0}]
                continue
            commits = []
            for n in sorted(k for k in data if k.isdigit()):
                row = data[n]
                if not row.get("qty") and not row.get("date"):
                    continue
                if not row.get("qty") or not row.get("date"):
                    raise SupplierInputError(request.env._("Each delivery needs a quantity and a date."))
                commits.append({"kind": "commit", "quantity": parse_quantity(row["qty"]),
                                "date_commit": parse_date(row["date"])})
            if commits:
                result[line] = commits
        if not result:
            raise SupplierInputError(
                request.env._("Nothing to commit: fill in a quantity and a date, or reject a line."))
        today = fields.Date.context_today(order_sudo)
        for vals in (v for vs in result.values() for v in vs):
            if vals.get("date_commit") and vals["date_commit"] < today:
                raise SupplierInputError(request.env._("A committed date cannot be in the past."))
        return result

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

    # 12 inputs a product: a page of 20 products keeps the grid light on a phone and on the server
    _crm_forecast_products_per_page = 20

    def _crm_forecast_grid(self, forecast_sudo, page=1, search=None):
        """Products of one page and their 12 buckets: three queries whatever the number of products
        (distinct products, lines, product names)."""
        Line = request.env["crm.supplier.forecast.line"].sudo()
        domain = Domain("forecast_id", "=", forecast_sudo.id)
        if search:
            domain &= Domain("product_id", "any", [("display_name", "ilike", search)])
        products = [product for (product,) in Line._read_group(domain, ["product_id"], order="product_id")]
        step = self._crm_forecast_products_per_page
        pager = portal_pager(url=f"/my/supplier/forecast/{forecast_sudo.id}", total=len(products), page=page,
                             step=step, url_args={"search": search or ""})
        page_ids = [p.id for p in products[pager["offset"]:pager["offset"] + step]]
        lines = Line.search(domain & Domain("product_id", "in", page_ids))
        weeks = list(range(forecast_module.WEEKS))
        # plain values for the template: no ORM attribute access per cell while rendering
        cells = defaultdict(lambda: [None] * len(weeks))
        totals = defaultdict(lambda: {"net": 0.0, "committed": 0.0})
        for line in lines:
            net, committed = line.qty_net, line.qty_committed
            cells[line.product_id.id][line.week] = {
                "id": line.id, "net": round(net, 2), "committed": committed if line.date_committed else None,
                "title": f"Demand {line.qty_demand:g}, on hand {line.qty_on_hand:g}, incoming {line.qty_incoming:g}",
            }
            totals[line.week]["net"] += net
            totals[line.week]["committed"] += committed
        week_starts = [forecast_sudo.date_start + datetime.timedelta(weeks=w) for w in weeks]
        top = max([max(t["net"], t["committed"]) for t in totals.values()] + [1.0])
        chart = [{"week": w, "label": week_starts[w].strftime("%d/%m"),
                  "net": totals[w]["net"], "committed": totals[w]["committed"],
                  "net_h": round(100 * totals[w]["net"] / top, 1),
                  "committed_h": round(100 * totals[w]["committed"] / top, 1)} for w in weeks]
        names = dict(zip(page_ids, request.env["product.product"].sudo().browse(page_ids).mapped("display_name")))
        rows = [{"name": names[pid], "cells": cells[pid]} for pid in page_ids]
        return {"rows": rows, "weeks": weeks, "week_starts": week_starts, "chart": chart, "pager": pager}

    @http.route(["/my/supplier/forecast", "/my/supplier/forecast/<int:forecast_id>",
                 "/my/supplier/forecast/<int:forecast_id>/page/<int:page>"],
                type="http", auth="user", website=True, readonly=True)
    def portal_supplier_forecast(self, forecast_id=None, page=1, access_token=None, search=None, message=None, **kw):
        Forecast = request.env["crm.supplier.forecast"]
        versions = Forecast.search([("state", "in", ("published", "superseded"))], order="version desc", limit=20)
        if forecast_id is not None:  # from the path or the query string: anything but an id of its own is a 404
            forecast_sudo = self._crm_forecast_check(forecast_id, access_token)
        else:
            forecast_sudo = versions.filtered(lambda f: f.state == "published")[:1].sudo()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "supplier_forecast", "forecast": forecast_sudo, "versions": versions,
                       "message": message, "search": clean_search(search),
                       "can_write": request.env.user._crm_is_portal_vendor_of(forecast_sudo.partner_id)})
        if forecast_sudo:
            values.update(self._crm_forecast_grid(forecast_sudo, page=parse_id(page) or 1, search=values["search"]))
            values = self._get_page_view_values(forecast_sudo, parse_token(access_token), values,
                                                "my_supplier_forecast_history", False, **kw)
        return request.render("crm_partner_portal.portal_supplier_forecast", values)

    @http.route("/my/supplier/forecast/<int:forecast_id>/commit", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_supplier_forecast_commit(self, forecast_id, **kw):
        """Fields commit-<line id> = quantity the vendor commits for that bucket (empty: unchanged)."""
        forecast_sudo = self._crm_forecast_check(forecast_id)
        if refusal := self._crm_write_refusal(forecast_sudo.partner_id):
            return refusal
        if forecast_sudo.state != "published":
            return self._crm_bad_request(request.env._("This forecast was superseded: commit on the latest one."))
        lines = {str(line.id): line for line in forecast_sudo.line_ids}
        updates = {}
        try:
            for key, raw in request.httprequest.form.items():
                if not key.startswith("commit-"):
                    continue
                line = lines.get(key[len("commit-"):])
                if line is None:
                    raise SupplierInputError(request.env._("The form names a bucket that is not in this forecast."))
                raw = raw.strip()
                if not raw:
                    continue
                qty = parse_quantity(raw) if raw not in ("0", "0.0") else 0.0
                updates[line] = qty
            if not updates:
                raise SupplierInputError(request.env._("Nothing to commit: enter a quantity in a week."))
        except SupplierInputError as e:
            return self._crm_bad_request(str(e))
        try:
            with request.env.cr.savepoint():
                now = fields.Datetime.now()
                for line, qty in updates.items():
                    line.write({"qty_committed": qty, "date_committed": now})
                forecast_sudo.message_post(
                    body=request.env._("The vendor committed %(count)s week(s) on the portal.", count=len(updates)),
                    author_id=request.env.user.partner_id.id)
        except ValidationError as e:
            return self._crm_bad_request(e.args[0])
        return request.redirect(f"/my/supplier/forecast/{forecast_sudo.id}?message=committed")

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
        values = self._prepare_portal_layout_values()
        infos = self._crm_supplierinfos()
        offers = request.env["crm.supplier.stock.offer"].search([], limit=100)
        values.update({"page_name": "supplier_stock", "supplierinfos": infos, "offers": offers, "message": message,
                       "can_write": request.env.user._crm_is_portal_vendor_of(request.env.user.partner_id)})
        return request.render("crm_partner_portal.portal_supplier_stock", values)

    @http.route("/my/supplier/stock", type="http", auth="user", website=True, methods=["POST"])
    def portal_supplier_stock_post(self, **kw):
        """Fields per pricelist line: qty-<id>, delay-<id>, minqty-<id>, price-<id>; empty rows are skipped."""
        if refusal := self._crm_write_refusal(request.env.user.partner_id):
            return refusal
        infos = {str(info.id): info for info in self._crm_supplierinfos()}
        rows = defaultdict(dict)
        try:
            for key, raw in request.httprequest.form.items():
                prefix, _sep, info_key = key.partition("-")
                if prefix not in ("qty", "delay", "minqty", "price"):
                    continue
                if info_key not in infos:
                    raise SupplierInputError(request.env._("The form names a product you do not supply."))
                if raw.strip():
                    rows[info_key][prefix] = raw.strip()
            vals_list = []
            for info_key, row in rows.items():
                if "qty" not in row or "delay" not in row:
                    raise SupplierInputError(request.env._("Give at least the available quantity and the lead time."))
                delay = parse_days(row["delay"], offer_module.MAX_DELAY_DAYS)
                info = infos[info_key]
                vals_list.append({
                    "supplierinfo_id": info.id, "partner_id": info.partner_id.commercial_partner_id.id,
                    "company_id": (info.company_id or request.env.company).id,
                    "qty_available": parse_amount(row["qty"]), "delay": delay,
                    "min_qty": parse_amount(row.get("minqty", "0")),
                    "price": parse_amount(row.get("price", "0")),
                })
            if not vals_list:
                raise SupplierInputError(request.env._("Nothing to send: fill in a product's row."))
        except SupplierInputError as e:
            return self._crm_bad_request(str(e))
        Offer = request.env["crm.supplier.stock.offer"].sudo()
        try:
            with request.env.cr.savepoint():
                Offer.search([("supplierinfo_id", "in", [v["supplierinfo_id"] for v in vals_list]),
                              ("state", "=", "proposed")]).state = "superseded"
                offers = Offer.create(vals_list)
                for offer in offers:
                    offer.activity_schedule(
                        "mail.mail_activity_data_todo", summary=request.env._("Review the vendor's stock offer"),
                        user_id=(offer.partner_id.buyer_id or request.env.ref("base.user_admin")).id)
        except ValidationError as e:
            return self._crm_bad_request(e.args[0])
        return request.redirect("/my/supplier/stock?message=sent")
