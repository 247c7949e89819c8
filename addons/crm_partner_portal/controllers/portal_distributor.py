"""The distributor's side of the portal: report sell-out and stock per product and week (a form for one week,
or a CSV/XLSX file), see what it reported and the suite's forecast for its channel. A distributor is a
company linked to a channel (``res.partner.crm_distributor_channel_id``); its portal users only."""
from datetime import timedelta

from odoo import fields, http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ..const import MAX_SELLOUT_FILE_SIZE, SELLOUT_FORM_ROWS
from .portal_home import SupplierPortal
from .portal_input import SupplierInputError, echo_values, parse_id
from .sellout_input import read_sellout_file, validate_sellout_rows


class DistributorPortal(SupplierPortal):

    # rows of "What you reported" a page: the latest weeks first
    _crm_reports_per_page = 20

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        values["crm_is_distributor"] = bool(self._crm_distributor())
        return values

    def _crm_distributor(self):
        """The distributor (commercial partner) of the logged-in portal user, or None."""
        user = request.env.user
        partner = user.commercial_partner_id
        if user._is_portal() and partner.sudo().crm_distributor_channel_id:
            return partner
        return None

    def _crm_distributor_or_404(self):
        partner = self._crm_distributor()
        if not partner:
            raise request.not_found()
        return partner

    def _crm_this_week(self):
        today = fields.Date.context_today(request.env.user)
        return today - timedelta(days=today.weekday())

    def _crm_reported_rows(self, partner, page=1):
        """(pager, rows in all, rows of the page) of what the distributor reported, newest week first, as plain
        values: a year of 50 products is 2,600 rows, the page shows 20 of them with Odoo's portal pager."""
        Sellout = request.env["crm.distributor.sellout"]
        domain = Sellout._crm_portal_domain(partner)  # the user's own rows (record rules)
        total = Sellout.search_count(domain)
        pager = portal_pager(url="/my/distributor", total=total, page=page, step=self._crm_reports_per_page)
        # drawn as superuser: a portal user does not read products
        reports = Sellout.search_fetch(domain, ["week_start", "product_id", "qty_sold", "qty_stock", "state"],
                                       offset=pager["offset"], limit=self._crm_reports_per_page).sudo()
        states = dict(Sellout._fields["state"]._description_selection(request.env))
        rows = [{"week": r.week_start, "product": r.product_id.display_name, "sold": r.qty_sold,
                 "stock": r.qty_stock, "state": states[r.state]} for r in reports]
        return pager, total, rows

    def _crm_distributor_page(self, partner, status=200, page=1, **extra):
        this_week = self._crm_this_week()
        pager, total, reports = self._crm_reported_rows(partner, page)
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "distributor_home", "distributor": partner,
            "channel": partner.sudo().crm_distributor_channel_id, "reports": reports, "pager": pager,
            "report_total": total,
            "default_week": (this_week - timedelta(weeks=1)).isoformat(), "form_rows": range(SELLOUT_FORM_ROWS),
            "message": None, "form_values": None, "row_errors": {}, "error_message": None, "imported": 0,
            **extra,
        })
        return request.render("crm_partner_portal.portal_distributor_home", values, status=status)

    @http.route(["/my/distributor", "/my/distributor/page/<int:page>"], type="http", auth="user", website=True,
                readonly=True)
    def portal_distributor_home(self, page=1, message=None, count=None, **kw):
        partner = self._crm_distributor_or_404()
        imported = parse_id(count) or 0
        return self._crm_distributor_page(partner, page=parse_id(page) or 1,
                                          message=message if message == "imported" else None, imported=imported)

    def _crm_import(self, partner, rows, source, form_values=None):
        """Validate every row, then write all of them or none; refused: the page with each row's errors (400)."""
        channel = partner.sudo().crm_distributor_channel_id
        values, errors = validate_sellout_rows(request.env, channel.company_id, rows, self._crm_this_week())
        if errors:
            return self._crm_distributor_page(
                partner, status=400, row_errors=errors, form_values=form_values,
                error_message=request.env._("%(count)s row(s) have errors: nothing was imported.", count=len(errors)))
        try:
            with request.env.cr.savepoint():
                created = request.env["crm.distributor.sellout"]._crm_import_rows(partner, values, source)
        except (AccessError, UserError, ValidationError) as e:
            return self._crm_distributor_page(partner, status=400, form_values=form_values, error_message=e.args[0])
        return request.redirect(f"/my/distributor?message=imported&count={len(created)}")

    @http.route("/my/distributor/report", type="http", auth="user", website=True, methods=["POST"])
    def portal_distributor_report(self, **kw):
        """Form: ``week`` and per row ``product-N``, ``sold-N``, ``stock-N`` (blank rows skipped)."""
        partner = self._crm_distributor_or_404()
        form = request.httprequest.form
        rows = []
        for n in range(SELLOUT_FORM_ROWS):
            row = {"row": n + 1, "product": form.get(f"product-{n}"), "week": form.get("week"),
                   "sold": form.get(f"sold-{n}"), "stock": form.get(f"stock-{n}")}
            if any((row[key] or "").strip() for key in ("product", "sold", "stock")):
                rows.append(row)
        typed = echo_values(form, lambda name: name == "week" or name.rpartition("-")[0] in (
            "product", "sold", "stock"))
        if not rows:
            return self._crm_distributor_page(partner, status=400, form_values=typed,
                                              error_message=request.env._("Fill in at least one row."))
        return self._crm_import(partner, rows, "form", form_values=typed)

    @http.route("/my/distributor/upload", type="http", auth="user", website=True, methods=["POST"])
    def portal_distributor_upload(self, report=None, **kw):
        """A CSV or XLSX file with the columns product, week, sold, stock (5 MB at most)."""
        partner = self._crm_distributor_or_404()
        if not hasattr(report, "read"):
            return self._crm_distributor_page(partner, status=400,
                                              error_message=request.env._("Choose a CSV or XLSX file to upload."))
        content = report.read(MAX_SELLOUT_FILE_SIZE + 1)
        try:
            if len(content) > MAX_SELLOUT_FILE_SIZE:
                raise SupplierInputError(request.env._("The file is larger than 5 MB: split it."))
            rows = read_sellout_file(report.filename, content)
        except SupplierInputError as e:
            return self._crm_distributor_page(partner, status=400, error_message=str(e))
        return self._crm_import(partner, rows, "file")

    @http.route("/my/distributor/forecast", type="http", auth="user", website=True, readonly=True)
    def portal_distributor_forecast(self, **kw):
        partner = self._crm_distributor_or_404()
        values = self._prepare_portal_layout_values()
        values.update(page_name="distributor_forecast", distributor=partner,
                      **request.env["crm.distributor.sellout"]._crm_channel_forecast(partner))
        return request.render("crm_partner_portal.portal_distributor_forecast", values)
