from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.locks import try_lock
from odoo.addons.crm_strategy.tools.xlsx import Workbook, period_label
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..const import FORECAST_WEEKS, HISTORY_WEEKS
from ..exceptions import SupplierAnswerError

# Weight of a quotation that is not linked to an opportunity (no probability of its own).
DEFAULT_QUOTATION_PROBABILITY = 50.0


class CrmSupplierForecast(models.Model):
    """A published snapshot of the demand a vendor should prepare for, per product it supplies and week.

    Snapshots are versioned per vendor and never recomputed once published, so what the vendor
    committed against stays comparable with what it was shown."""

    _name = "crm.supplier.forecast"
    _description = "Supplier demand forecast snapshot"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "partner_id, version desc"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", "Vendor", required=True, index=True, domain=[("is_company", "=", True)], tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    version = fields.Integer(readonly=True, copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("superseded", "Superseded")],
        default="draft", required=True, tracking=True, index=True)
    date_start = fields.Date(
        "First Week", readonly=True, help="Monday of the first weekly bucket (the week of publication).")
    date_published = fields.Datetime(readonly=True, copy=False)
    line_ids = fields.One2many("crm.supplier.forecast.line", "forecast_id", string="Lines")
    line_count = fields.Integer(compute="_compute_line_count")

    _partner_version_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id, version)", "A vendor has one forecast per version number.")

    @api.depends("partner_id", "version")
    def _compute_name(self):
        for forecast in self:
            forecast.name = f"{forecast.partner_id.name or ''} v{forecast.version or 0}"

    def _compute_line_count(self):
        counts = dict(self.env["crm.supplier.forecast.line"]._read_group(
            [("forecast_id", "in", self.ids)], ["forecast_id"], ["__count"]))
        for forecast in self:
            forecast.line_count = counts.get(forecast, 0)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for forecast in self:
            forecast.access_url = f"/my/supplier/forecast/{forecast.id}"
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        return super().create(vals_list)

    def action_publish(self):
        """Compute the lines from live data and publish: the previous published version is superseded."""
        self.check_access("write")
        for forecast in self:
            if forecast.state != "draft":
                raise UserError(self.env._("Only a draft forecast can be published."))
            if not try_lock(self.env.cr, "crm_partner_portal.forecast_publish", forecast.partner_id.id):
                raise UserError(self.env._("A forecast of %(vendor)s is already being published.",
                                           vendor=forecast.partner_id.display_name))
            previous = self.search([("partner_id", "=", forecast.partner_id.id),
                                    ("company_id", "=", forecast.company_id.id), ("version", ">", 0)],
                                   order="version desc", limit=1)
            today = fields.Date.context_today(forecast)
            forecast.write({
                "version": previous.version + 1 if previous else 1,
                "date_start": today - timedelta(days=today.weekday()),
            })
            forecast._compute_forecast_lines()
            self.search([("partner_id", "=", forecast.partner_id.id), ("company_id", "=", forecast.company_id.id),
                         ("state", "=", "published")]).state = "superseded"
            forecast.write({"state": "published", "date_published": fields.Datetime.now()})
            forecast._portal_ensure_token()
            forecast.message_post(body=self.env._("Forecast published with %(count)s lines.",
                                                  count=forecast.line_count))
            self.env["crm.supplier.webhook"]._crm_enqueue(forecast.partner_id, "forecast_published", {
                "forecast_id": forecast.id, "version": forecast.version, "date_start": str(forecast.date_start),
                "lines": forecast.line_count, "url": forecast.get_base_url() + forecast.access_url,
            }, company=forecast.company_id)
        return True

    def _crm_check_supplier_commit(self):
        """Refuse a caller who may not commit on this forecast (AccessError) or a forecast no longer open to
        commitments (UserError): only the vendor's portal users, on the published version. The portal asks it
        before reading the form."""
        self.ensure_one()
        self.env.user._crm_check_supplier_answer(self.partner_id)
        if self.state != "published":
            raise UserError(self.env._("This forecast was superseded: commit on the latest one."))

    def _crm_supplier_commit(self, quantities, author):
        """Write what the vendor commits per week, all or nothing; the rest runs as superuser.

        :param quantities: {crm.supplier.forecast.line: quantity} of this forecast (0 withdraws a commitment)
        :param author: the vendor contact posting them (for the chatter)
        :raise SupplierAnswerError: on the week whose quantity is refused, nothing written
        """
        self._crm_check_supplier_commit()
        forecast = self.sudo()
        if not quantities:
            raise ValidationError(self.env._("Nothing to commit: enter a quantity in a week."))
        lines = forecast.env["crm.supplier.forecast.line"].union(*quantities)
        if lines.forecast_id != forecast:
            raise ValidationError(self.env._("The form names a bucket that is not in this forecast."))
        now = fields.Datetime.now()
        with self.env.cr.savepoint():
            for line, quantity in quantities.items():
                try:
                    line.sudo().write({"qty_committed": quantity, "date_committed": now})
                except ValidationError as error:
                    raise SupplierAnswerError(error.args[0], line) from None
            forecast.message_post(
                body=self.env._("The vendor committed %(count)s week(s) on the portal.", count=len(quantities)),
                author_id=author.id)
        return True

    def _crm_export_xlsx(self):
        """The forecast as a workbook: one row per product, net requirement and commitment per week, in the
        suite's one writer (formula-safe, dates with their year, an About sheet with the period)."""
        self.ensure_one()
        weeks = [self.date_start + timedelta(weeks=week) for week in range(FORECAST_WEEKS)]
        columns = [(self.env._("Reference"), "text"), (self.env._("Product"), "text")]
        for day in weeks:
            columns += [(self.env._("%(day)s need", day=day), "float"),
                        (self.env._("%(day)s committed", day=day), "float")]
        table = {}
        for line in self.line_ids:
            row = table.setdefault(line.product_id, [line.product_id.default_code or "", line.product_id.name]
                                   + [0.0] * (2 * FORECAST_WEEKS))
            row[2 + 2 * line.week], row[3 + 2 * line.week] = line.qty_net, line.qty_committed
        with Workbook(self.env, self.company_id) as book:
            book.table(self.env._("Forecast"), columns, table.values())
            book.about(self.name, period_label(weeks[0], weeks[-1] + timedelta(days=6)), [
                self.env._("Net requirement and committed quantity per week starting on the date shown, in the "
                  "product's unit of measure.")])
        return book.content

    def _compute_forecast_lines(self):
        """One INSERT … SELECT for every product × week: no per-product ORM work, whatever the catalogue."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM crm_supplier_forecast_line WHERE forecast_id = %s", self.id))
        self.env.cr.execute(self._forecast_sql())
        self.env["crm.supplier.forecast.line"].invalidate_model()
        self.invalidate_recordset(["line_ids", "line_count"])

    # ------------------------------------------------------------------ the forecast's SQL, one CTE a method
    def _forecast_sql(self):
        """INSERT of every product x week of the forecast: the CTE builders below, chained."""
        ctes = [("products", self._forecast_sql_products()), ("weeks", self._forecast_sql_weeks()),
                ("sales", self._forecast_sql_sales()), ("history", self._forecast_sql_history()),
                ("on_hand", self._forecast_sql_on_hand()), ("incoming", self._forecast_sql_incoming()),
                ("grid", self._forecast_sql_grid()), ("cumulated", self._forecast_sql_cumulated()),
                ("netted", self._forecast_sql_netted())]
        return SQL(
            """
WITH %(ctes)s
INSERT INTO crm_supplier_forecast_line (
    forecast_id, partner_id, company_id, product_id, week, week_start, qty_sales, qty_pipeline, qty_run_rate,
    qty_demand, qty_on_hand, qty_incoming, qty_net, create_uid, write_uid, create_date, write_date)
SELECT %(forecast)s, %(vendor)s, %(company)s, product_id, week, %(start)s::date + week * 7,
       ROUND(qty_sales::numeric, 4), ROUND(qty_pipeline::numeric, 4), ROUND(qty_run_rate::numeric, 4),
       ROUND(qty_demand::numeric, 4), ROUND(qty_on_hand::numeric, 4), ROUND(qty_incoming::numeric, 4),
       ROUND(GREATEST(qty_net, 0)::numeric, 4), %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
  FROM netted
            """,
            ctes=SQL(",\n").join(SQL("%s AS (%s)", SQL.identifier(name), body) for name, body in ctes),
            forecast=self.id, vendor=self.partner_id.id, company=self.company_id.id, start=self.date_start,
            uid=self.env.uid,
        )

    def _forecast_period(self):
        """(first day, first day after the horizon, first day of the run-rate history) of the forecast."""
        self.ensure_one()
        start = self.date_start
        return start, start + timedelta(weeks=FORECAST_WEEKS), start - timedelta(weeks=HISTORY_WEEKS)

    def _forecast_sql_products(self):
        """CTE ``products`` (product_id, uom_id): the active variants the vendor supplies in the company."""
        return SQL(
            """
    SELECT DISTINCT pp.id AS product_id, pt.uom_id
      FROM product_supplierinfo si
      JOIN product_template pt ON pt.id = si.product_tmpl_id
      JOIN product_product pp ON pp.product_tmpl_id = pt.id AND (si.product_id IS NULL OR si.product_id = pp.id)
      JOIN res_partner vendor ON vendor.id = si.partner_id
     WHERE vendor.commercial_partner_id = %(vendor)s
       AND (si.company_id IS NULL OR si.company_id = %(company)s)
       AND pp.active AND pt.active
            """, vendor=self.partner_id.id, company=self.company_id.id)

    def _forecast_sql_weeks(self):
        """CTE ``weeks`` (week): the bucket indexes 0 .. FORECAST_WEEKS - 1."""
        return SQL("SELECT generate_series(0, %s - 1) AS week", FORECAST_WEEKS)

    def _forecast_sql_sales(self):
        """CTE ``sales`` (product_id, week, qty_sales, qty_pipeline), on ``products``: confirmed sales not
        delivered yet and quotations weighted by their opportunity's probability, in the product's unit, by
        week of expected delivery (past dates fall in the first bucket, dates beyond the horizon are dropped)."""
        start, end, _history_start = self._forecast_period()
        return SQL(
            """
    SELECT sol.product_id,
           GREATEST(0, LEAST(%(weeks)s - 1, FLOOR(EXTRACT(EPOCH FROM (
               COALESCE(so.commitment_date, so.date_order + make_interval(days => sol.customer_lead::int))
               - %(start)s::timestamp)) / 604800)::int)) AS week,
           SUM(CASE WHEN so.state = 'sale'
                    THEN GREATEST(sol.product_uom_qty - sol.qty_delivered, 0) ELSE 0 END
               * line_uom.factor / prod_uom.factor) AS qty_sales,
           SUM(CASE WHEN so.state IN ('draft', 'sent')
                    THEN sol.product_uom_qty * COALESCE(lead.probability, %(default_probability)s) / 100.0
                    ELSE 0 END
               * line_uom.factor / prod_uom.factor) AS qty_pipeline
      FROM sale_order_line sol
      JOIN sale_order so ON so.id = sol.order_id
      JOIN products p ON p.product_id = sol.product_id
      JOIN uom_uom line_uom ON line_uom.id = sol.product_uom_id
      JOIN uom_uom prod_uom ON prod_uom.id = p.uom_id
      LEFT JOIN crm_lead lead ON lead.id = so.opportunity_id AND lead.active
     WHERE so.company_id = %(company)s AND so.state IN ('draft', 'sent', 'sale') AND sol.display_type IS NULL
       AND COALESCE(so.commitment_date, so.date_order) < %(end)s::timestamp
  GROUP BY 1, 2
            """, weeks=FORECAST_WEEKS, start=start, end=end, company=self.company_id.id,
            default_probability=DEFAULT_QUOTATION_PROBABILITY)

    def _forecast_sql_history(self):
        """CTE ``history`` (product_id, run_rate), on ``products``: weekly deliveries to customers over the
        HISTORY_WEEKS before the forecast."""
        start, _end, history_start = self._forecast_period()
        return SQL(
            """
    SELECT sm.product_id, SUM(sm.product_qty) / %(history_weeks)s::float AS run_rate
      FROM stock_move sm
      JOIN products p ON p.product_id = sm.product_id
      JOIN stock_location dest ON dest.id = sm.location_dest_id
     WHERE sm.state = 'done' AND dest.usage = 'customer' AND sm.company_id = %(company)s
       AND sm.date >= %(history_start)s::timestamp AND sm.date < %(start)s::timestamp
  GROUP BY 1
            """, history_weeks=HISTORY_WEEKS, company=self.company_id.id, history_start=history_start,
            start=start)

    def _forecast_sql_on_hand(self):
        """CTE ``on_hand`` (product_id, qty), on ``products``: stock in the company's internal locations."""
        return SQL(
            """
    SELECT sq.product_id, SUM(sq.quantity) AS qty
      FROM stock_quant sq
      JOIN products p ON p.product_id = sq.product_id
      JOIN stock_location loc ON loc.id = sq.location_id
     WHERE loc.usage = 'internal' AND sq.company_id = %(company)s
  GROUP BY 1
            """, company=self.company_id.id)

    def _forecast_sql_incoming(self):
        """CTE ``incoming`` (product_id, week, qty), on ``products``: receipts from vendors not done yet, by
        week of their date (late ones in the first bucket)."""
        start, end, _history_start = self._forecast_period()
        return SQL(
            """
    SELECT sm.product_id,
           GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (sm.date - %(start)s::timestamp)) / 604800)::int) AS week,
           SUM(sm.product_qty) AS qty
      FROM stock_move sm
      JOIN products p ON p.product_id = sm.product_id
      JOIN stock_location src ON src.id = sm.location_id
      JOIN stock_location dest ON dest.id = sm.location_dest_id
     WHERE sm.state NOT IN ('done', 'cancel', 'draft') AND src.usage = 'supplier' AND dest.usage = 'internal'
       AND sm.company_id = %(company)s AND sm.date < %(end)s::timestamp
  GROUP BY 1, 2
            """, start=start, end=end, company=self.company_id.id)

    def _forecast_sql_grid(self):
        """CTE ``grid``: every product x week with its sales, pipeline, run rate, demand (the larger of sales
        plus pipeline and the run rate), incoming receipts, and stock on hand in week 0."""
        return SQL(
            """
    SELECT p.product_id, w.week,
           COALESCE(s.qty_sales, 0) AS qty_sales,
           COALESCE(s.qty_pipeline, 0) AS qty_pipeline,
           COALESCE(h.run_rate, 0) AS qty_run_rate,
           GREATEST(COALESCE(s.qty_sales, 0) + COALESCE(s.qty_pipeline, 0), COALESCE(h.run_rate, 0)) AS qty_demand,
           COALESCE(i.qty, 0) AS qty_incoming,
           CASE WHEN w.week = 0 THEN COALESCE(oh.qty, 0) ELSE 0 END AS qty_on_hand
      FROM products p
     CROSS JOIN weeks w
      LEFT JOIN sales s ON s.product_id = p.product_id AND s.week = w.week
      LEFT JOIN history h ON h.product_id = p.product_id
      LEFT JOIN incoming i ON i.product_id = p.product_id AND i.week = w.week
      LEFT JOIN on_hand oh ON oh.product_id = p.product_id
            """)

    def _forecast_sql_cumulated(self):
        """CTE ``cumulated``: ``grid`` plus net_cumulated, the demand not covered by stock and receipts so far
        (a surplus carries forward to the next weeks, a shortage is never negative)."""
        return SQL(
            """
    SELECT grid.*,
           GREATEST(0, SUM(qty_demand - qty_incoming - qty_on_hand)
               OVER (PARTITION BY product_id ORDER BY week)) AS net_cumulated
      FROM grid
            """)

    def _forecast_sql_netted(self):
        """CTE ``netted``: ``cumulated`` plus qty_net, the week's increase of the uncovered demand."""
        return SQL(
            """
    SELECT cumulated.*,
           net_cumulated - COALESCE(LAG(net_cumulated) OVER (PARTITION BY product_id ORDER BY week), 0) AS qty_net
      FROM cumulated
            """)
