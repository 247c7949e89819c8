"""The vendor's demand forecast on the portal: the weekly grid and chart of a published version, the
vendor's commitments per week (written by ``crm.supplier.forecast._crm_supplier_commit``) and the XLSX."""
import datetime
import math
from collections import defaultdict
from urllib.parse import urlencode

from odoo import http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.http import content_disposition, request

from ..const import FORECAST_WEEKS
from ..exceptions import SupplierAnswerError
from .portal_home import SupplierPortal
from .portal_input import SupplierInputError, clean_search, echo_values, parse_forecast_form, parse_id, parse_token


class SupplierForecastPortal(SupplierPortal):

    # 12 buckets a product: a page of 20 products keeps the grid light on a phone and on the server
    _crm_forecast_products_per_page = 20

    def _crm_forecast_check(self, forecast_id, access_token=None):
        """The forecast as superuser, if the vendor may see it; NotFound otherwise."""
        return self._crm_document_check("crm.supplier.forecast", forecast_id, access_token)

    def _crm_forecast_grid(self, forecast_sudo, page=1, search=None, show_all=False):
        """Products of one page and their 12 buckets, in a constant number of queries whatever the number of
        products. By default only the products the vendor has something to answer for: its share of the
        requirement in a week, or a commitment already sent. The vendor sees its share only, never the
        company's whole requirement (other vendors may be asked for the rest)."""
        Line = request.env["crm.supplier.forecast.line"].sudo()
        domain = Domain("forecast_id", "=", forecast_sudo.id)
        if search:
            domain &= Domain("product_id", "any", [("display_name", "ilike", search)])
        needed = domain & (Domain("qty_share", ">", 0) | Domain("date_committed", "!=", False))
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
        weeks = list(range(FORECAST_WEEKS))
        # plain values for the template: no ORM attribute access per cell while rendering
        cells = defaultdict(lambda: [None] * len(weeks))
        totals = defaultdict(lambda: {"net": 0.0, "committed": 0.0})
        for line in lines:
            net, committed = line.qty_share, line.qty_committed
            cells[line.product_id.id][line.week] = {
                "id": line.id, "net": net, "committed": committed if line.date_committed else None,
                "answerable": net > 0 or bool(line.date_committed), "state": line.commit_state,
                "lead_days": line.lead_days, "from_stock": line.qty_from_stock,
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
        try:
            forecast_sudo._crm_check_supplier_commit()
        except UserError as e:
            return self._crm_bad_request(e.args[0])
        form = request.httprequest.form
        lines = {str(line.id): line for line in forecast_sudo.line_ids}
        try:
            quantities = parse_forecast_form(lines, form)
            forecast_sudo._crm_supplier_commit(quantities, request.env.user.partner_id)
        except SupplierInputError as e:
            return self._crm_forecast_refused(forecast_sudo, form, lines, page, search, show, str(e), e.errors)
        except SupplierAnswerError as e:
            return self._crm_forecast_refused(forecast_sudo, form, lines, page, search, show, e.args[0],
                                              {f"commit-{line.id}": e.args[0] for line in e.records})
        except (UserError, ValidationError) as e:
            return self._crm_forecast_refused(forecast_sudo, form, lines, page, search, show, e.args[0], {})
        url_args = {"message": "committed", "show": "all" if show == "all" else None,
                    "search": clean_search(search) or None}
        page = parse_id(page)
        base = f"/my/supplier/forecast/{forecast_sudo.id}" + (f"/page/{page}" if page and page > 1 else "")
        return request.redirect(base + "?" + urlencode({k: v for k, v in url_args.items() if v}))

    def _crm_forecast_refused(self, forecast_sudo, form, lines, page, search, show, message, errors):
        typed = echo_values(form, lambda name: name.startswith("commit-") and name[7:] in lines)
        return self._crm_forecast_page(forecast_sudo, page=page, search=search, show=show, status=400,
                                       form_values=typed, form_errors=errors, error_message=message)

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
