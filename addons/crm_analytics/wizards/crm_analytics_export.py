import base64

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.crm_strategy.const import WATERFALL
from odoo.addons.crm_strategy.tools.xlsx import period_label
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.workbooks import AnalyticsWorkbook

ANALYSES = [
    ("metrics", "Customer metrics (RFM, P(alive), CLV)"),
    ("cohorts", "Cohort retention"),
    ("campaign_roi", "Campaign ROI"),
    ("forecast", "Revenue forecast"),
    ("pnl", "Customer P&L waterfall"),
]
METRICS_COLUMNS = [
    ("Customer", "text", SQL("rp.complete_name")),
    ("Primary segment", "text", SQL("seg.name")),
    ("RFM segment", "text", SQL("m.rfm_segment")),
    ("R", "int", SQL("m.rfm_recency")),
    ("F", "int", SQL("m.rfm_frequency")),
    ("M", "int", SQL("m.rfm_monetary")),
    ("Purchases", "int", SQL("m.purchase_count")),
    ("Revenue", "money", SQL("m.revenue_total")),
    ("Margin", "money", SQL("m.margin_total")),
    ("Days since last purchase", "int", SQL("m.recency_days")),
    ("P(alive)", "pct", SQL("m.p_alive")),
    ("Likelihood to buy", "pct", SQL("m.buy_probability")),
    ("Expected purchases", "float", SQL("m.expected_purchases")),
    ("CLV", "money", SQL("m.clv")),
    ("CLV low (80%)", "money", SQL("m.clv_low")),
    ("CLV high (80%)", "money", SQL("m.clv_high")),
    ("CLV basis", "text", SQL("""CASE WHEN fit.id IS NOT NULL THEN
        CASE fit.clv_basis WHEN 'historical' THEN 'Historical' ELSE 'Model' END
        || ', next ' || COALESCE(fit.horizon_months, 12) || ' months' END""")),
    ("Acquisition date", "date", SQL("m.acquisition_date")),
    ("Acquisition channel", "text", SQL("m.acquisition_channel")),
    ("Acquisition cost", "money", SQL("m.acquisition_cost")),
]
FETCH_SIZE = 5000


class CrmAnalyticsExport(models.TransientModel):
    """XLSX export of an analysis, with the dashboard's filters; the file stays on the wizard to download."""

    _name = "crm.analytics.export"
    _description = "CRM Analytics XLSX Export"

    analysis = fields.Selection(ANALYSES, required=True, default="metrics")
    segment_id = fields.Many2one("crm.segment")
    channel = fields.Char(string="Acquisition Channel")
    date_from = fields.Date(string="Acquired From")
    date_to = fields.Date(string="Acquired Until")
    metrics_ids = fields.Many2many("crm.customer.metrics", string="Selected Customers",
                                   help="Export only these rows (from a list view selection).")
    state = fields.Selection([("choose", "Choose"), ("done", "Done")], default="choose", required=True)
    file = fields.Binary(readonly=True, attachment=True)
    file_name = fields.Char(readonly=True)
    row_count = fields.Integer(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.customer.metrics" and self.env.context.get("active_ids"):
            values["metrics_ids"] = [fields.Command.set(self.env.context["active_ids"])]
        return values

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period ends before it starts."))

    def action_export(self):
        """Write the workbook onto the wizard and show it again with the download link."""
        self.check_access("write")
        self.env["crm.customer.metrics"].check_access("read")
        self.ensure_one()
        with AnalyticsWorkbook(self.env, self.env.companies) as book:
            rows, period, notes = getattr(self, f"_export_{self.analysis}")(book)
            book.about(dict(ANALYSES)[self.analysis], period, notes)
        name = f"crm_{self.analysis}_{fields.Date.context_today(self)}.xlsx"
        self.write({"file": base64.b64encode(book.content), "file_name": name, "state": "done", "row_count": rows})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "views": [(False, "form")], "target": "new", "name": self.env._("Export ready")}

    def _metrics_domain(self):
        if self.metrics_ids:
            return Domain("id", "in", self.metrics_ids.ids)
        return self.env["crm.analytics.dashboard"]._metrics_domain(
            self.segment_id.id, self.channel, self.date_from, self.date_to)

    def _export_metrics(self, book):
        """Streamed from PostgreSQL in batches into a constant-memory sheet: 10^5 rows in a few seconds."""
        query = self.env["crm.customer.metrics"]._search(self._metrics_domain())
        lang = self.env.lang or "en_US"
        columns = SQL(", ").join(
            SQL("COALESCE(seg.name ->> %s, seg.name ->> 'en_US')", lang) if label == "Primary segment" else expr
            for label, _kind, expr in METRICS_COLUMNS)
        cursor = self.env.cr
        cursor.execute(SQL(
            """SELECT %(columns)s FROM crm_customer_metrics m
                 JOIN res_partner rp ON rp.id = m.partner_id
            LEFT JOIN crm_segment seg ON seg.id = m.segment_id
            LEFT JOIN crm_clv_model fit ON fit.id = m.clv_model_id
                WHERE m.id IN (%(ids)s)
             ORDER BY m.clv DESC NULLS LAST, m.id""", columns=columns, ids=query.subselect()))
        labels = dict(self.env["crm.customer.metrics"]._fields["rfm_segment"].selection)

        def rows():
            while batch := cursor.fetchmany(FETCH_SIZE):
                for row in batch:
                    yield (row[0], row[1], labels.get(row[2], row[2]), *row[3:])

        columns = [(label, kind) for label, kind, _e in METRICS_COLUMNS]
        _sheet, count = book.table(self.env._("Customer metrics"), columns, rows())
        return count, self.env._("customers acquired %(period)s", period=period_label(self.date_from, self.date_to)), [
            self.env._("Purchases, revenue and margin: each customer's whole history up to the last refresh."),
            self.env._("CLV: the margin expected over the horizon of the fit named in the CLV basis column."),
        ]

    def _export_cohorts(self, book):
        rows = self.env["crm.cohort.retention"].search_read(
            [("company_id", "in", self.env.companies.ids), ("kind", "=", "cohort")],
            ["cohort_month", "age", "retention"], order="cohort_month, age")
        cohorts = sorted({str(row["cohort_month"]) for row in rows})
        ages = sorted({row["age"] for row in rows})
        values = {(str(row["cohort_month"]), row["age"]): row["retention"] / 100.0 for row in rows}
        book.heatmap(self.env._("Cohort retention"), self.env._("Cohort"), cohorts, ages, values)
        period = period_label(cohorts[0], cohorts[-1]) if cohorts else period_label()
        return len(cohorts), self.env._("cohorts of %(period)s", period=period), [
            self.env._("Share of each month's new customers who bought again n months later.")]

    def _export_campaign_roi(self, book):
        rows = self.env["crm.campaign.roi"].search_read(
            [("company_id", "in", self.env.companies.ids)],
            ["campaign_id", "order_count", "customer_count", "revenue", "margin", "cost", "profit", "roi"])
        columns = [("Campaign", "text"), ("Orders", "int"), ("Customers", "int"), ("Revenue", "money"),
                   ("Margin", "money"), ("Cost", "money"), ("Profit", "money"), ("ROI", "pct")]
        _sheet, count = book.table(self.env._("Campaign ROI"), columns, (
            (r["campaign_id"] and r["campaign_id"][1], r["order_count"], r["customer_count"], r["revenue"],
             r["margin"], r["cost"], r["profit"], r["roi"] / 100.0 if r["roi"] is not None else None)
            for r in rows))
        return count, period_label(), [
            self.env._("Each campaign's whole life: invoiced sales of its customers and its recorded spend.")]

    def _export_forecast(self, book):
        rows = self.env["crm.revenue.forecast"].search_read(
            [("company_id", "in", self.env.companies.ids)],
            ["month", "is_forecast", "actual_revenue", "run_rate_revenue", "weighted_revenue", "total_forecast",
             "abs_error", "naive_abs_error"], order="month")
        columns = [("Month", "month"), ("Future", "text"), ("Actual", "money"), ("Run-rate", "money"),
                   ("Weighted pipeline", "money"), ("Forecast", "money"), ("Run-rate error", "money"),
                   ("Naive error", "money")]
        _sheet, count = book.table(self.env._("Revenue forecast"), columns, (
            (r["month"], "yes" if r["is_forecast"] else "no", r["actual_revenue"], r["run_rate_revenue"],
             r["weighted_revenue"], r["total_forecast"], r["abs_error"], r["naive_abs_error"]) for r in rows))
        months = [r["month"] for r in rows]
        period = period_label(min(months), max(months) + relativedelta(months=1, days=-1)) if months else period_label()
        return count, period, [self.env._("Past months show actual revenue; future months (Future = yes) "
                                          "the forecast. Do not add them up.")]

    def _export_pnl(self, book):
        Pnl = self.env["crm.customer.pnl"]
        domain = Domain("company_id", "in", self.env.companies.ids)
        if self.segment_id:
            domain &= Domain("segment_id", "=", self.segment_id.id)
        names = [name for name, _label, _sign in WATERFALL]
        [(first, last, *totals)] = Pnl._read_group(
            domain, [], ["month:min", "month:max", *(f"{name}:sum" for name in names)])
        steps = Pnl._waterfall_steps(dict(zip(names, (t or 0.0 for t in totals), strict=True)))
        book.waterfall(self.env._("Customer P&L"), [
            (label, amount, start, end, sign == 0)
            for (label, amount, start, end), (_n, _l, sign) in zip(steps, WATERFALL, strict=True)])
        period = period_label(first, last + relativedelta(months=1, days=-1)) if first else period_label()
        return len(steps), period, [self.env._("Sum of the customer P&L's months over the period.")]
