from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.access import USER_GROUP, check_group
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..const import FORECAST_WEEKS, HISTORY_WEEKS


class CrmDistributorSellout(models.Model):
    """What a distributor sold to its own customers, and its stock on hand, per product and week, reported on
    the portal. It feeds the demand forecast (the ``history`` step: sell-out instead of the deliveries to the
    distributor) and the channel scorecard (sell-out against sell-in)."""

    _name = "crm.distributor.sellout"
    _description = "Distributor sell-out"
    _order = "week_start desc, partner_id, product_id"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Distributor", required=True, index=True, ondelete="restrict",
                                 domain=[("is_company", "=", True)])
    channel_id = fields.Many2one("crm.channel", required=True, index=True, ondelete="restrict",
                                 check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="restrict")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    week_start = fields.Date("Week", required=True, index=True, help="Monday of the week reported.")
    qty_sold = fields.Float("Sold", digits="Product Unit", help="Quantity the distributor sold in the week.")
    qty_stock = fields.Float("Stock on Hand", digits="Product Unit",
                             help="The distributor's stock of the product at the end of the week.")
    source = fields.Selection([("form", "Portal form"), ("file", "File upload"), ("internal", "Entered here")],
                              default="internal", required=True, readonly=True)
    state = fields.Selection([("reported", "Reported"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
                             default="reported", required=True, index=True,
                             help="Cancelled rows count nowhere; a new report of the same product and week "
                                  "replaces the reported one.")

    _one_live_row = models.UniqueIndex(
        "(partner_id, product_id, week_start) WHERE state != 'cancelled'",
        "A distributor reports a product once per week (cancel the row to report it again).")
    _quantities_positive = models.Constraint(
        "CHECK(qty_sold >= 0 AND qty_stock >= 0)", "Sold quantity and stock cannot be negative.")

    @api.constrains("week_start")
    def _check_week_start(self):
        for row in self:
            if row.week_start.weekday() != 0:
                raise ValidationError(self.env._("The week of a sell-out report starts on a Monday."))

    @api.depends("partner_id", "product_id", "week_start")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.partner_id.name or ''} {row.product_id.display_name or ''} {row.week_start}"

    def action_confirm(self):
        check_group(self.env, USER_GROUP)
        self.check_access("write")
        self.filtered(lambda r: r.state == "reported").state = "confirmed"
        return True

    def action_cancel(self):
        check_group(self.env, USER_GROUP)
        self.check_access("write")
        self.state = "cancelled"
        return True

    # ------------------------------------------------------------------ the portal's import
    @api.model
    def _crm_import_rows(self, partner, rows, source):
        """Write a validated report of the distributor ``partner``: ``rows`` is [{product_id, week_start,
        qty_sold, qty_stock}] (checked by the portal, one row per product and week). A reported row of the same
        product and week is replaced; a confirmed one is refused. All or nothing. Only the distributor's own
        portal users (and the superuser) may; the rest runs as superuser."""
        partner = partner.commercial_partner_id
        if not (self.env.su or (self.env.user._crm_is_portal_vendor_of(partner)
                                and partner.sudo().crm_distributor_channel_id)):
            raise AccessError(self.env._("Only the distributor's portal users can report its sell-out."))
        channel = partner.sudo().crm_distributor_channel_id
        if not channel or not rows:
            raise ValidationError(self.env._("Nothing to import."))
        self = self.sudo()
        keys = {(row["product_id"], row["week_start"]) for row in rows}
        existing = self.search([("partner_id", "=", partner.id), ("state", "!=", "cancelled"),
                                ("product_id", "in", list({key[0] for key in keys})),
                                ("week_start", "in", list({key[1] for key in keys}))])
        existing = existing.filtered(lambda r: (r.product_id.id, r.week_start) in keys)
        if confirmed := existing.filtered(lambda r: r.state == "confirmed"):
            raise ValidationError(self.env._(
                "%(product)s, week of %(week)s, was already confirmed by the company: ask them to correct it.",
                product=confirmed[0].product_id.display_name, week=confirmed[0].week_start))
        with self.env.cr.savepoint():
            existing.state = "cancelled"
            existing.flush_recordset(["state"])  # before the INSERT: one live row per product and week
            return self.create([{**row, "partner_id": partner.id, "channel_id": channel.id,
                                 "company_id": channel.company_id.id, "source": source} for row in rows])

    # ------------------------------------------------------------------ what other figures read
    @api.model
    def _crm_sellout_sql(self, company_id, date_from, date_to):
        """(partner_id, channel_id, product_id, week_start, qty_sold, qty_stock) of the live reports of the
        company whose week starts in [date_from, date_to): the one definition of sell-out, for the demand
        forecast's ``history`` step and the channel scorecard."""
        self.flush_model()
        return SQL(
            """
    SELECT so.partner_id, so.channel_id, so.product_id, so.week_start, so.qty_sold, so.qty_stock
      FROM crm_distributor_sellout so
     WHERE so.state != 'cancelled' AND so.company_id = %(company)s
       AND so.week_start >= %(date_from)s AND so.week_start < %(date_to)s
            """, company=company_id, date_from=date_from, date_to=date_to)

    @api.model
    def _crm_channel_forecast(self, partner):
        """The distributor's forecast for its channel, per product: the weekly run rate of its sell-out over the
        HISTORY_WEEKS before this week (as the demand forecast's ``history`` step), its last reported stock,
        the weeks that stock covers and the demand of the next FORECAST_WEEKS weeks. Plain values for the
        portal; the caller checks ``partner`` is the user's own."""
        partner = partner.commercial_partner_id
        channel = partner.sudo().crm_distributor_channel_id
        today = fields.Date.context_today(self)
        start = today - timedelta(days=today.weekday())
        history_start = start - timedelta(weeks=HISTORY_WEEKS)
        rows = self.env.execute_query_dict(SQL(
            """
    WITH sellout AS (%(sellout)s)
    SELECT s.product_id, SUM(s.qty_sold) / %(weeks)s::float AS run_rate,
           (ARRAY_AGG(s.qty_stock ORDER BY s.week_start DESC))[1] AS last_stock,
           MAX(s.week_start) AS last_week
      FROM sellout s
     WHERE s.partner_id = %(partner)s AND s.channel_id = %(channel)s
  GROUP BY s.product_id
            """, sellout=self._crm_sellout_sql(channel.company_id.id, history_start, start),
            weeks=HISTORY_WEEKS, partner=partner.id, channel=channel.id)) if channel else []
        products = {p.id: p for p in self.env["product.product"].sudo().browse([r["product_id"] for r in rows])}
        for row in rows:
            row["product"] = products[row["product_id"]]
            row["forecast"] = row["run_rate"] * FORECAST_WEEKS
            row["weeks_cover"] = row["last_stock"] / row["run_rate"] if row["run_rate"] else None
        rows.sort(key=lambda r: -r["forecast"])
        return {"channel": channel, "lines": rows, "history_from": history_start,
                "history_to": start - timedelta(days=1), "forecast_from": start,
                "forecast_to": start + timedelta(weeks=FORECAST_WEEKS, days=-1)}

    @api.model
    def _crm_portal_domain(self, partner):
        return Domain("partner_id", "=", partner.commercial_partner_id.id) & Domain("state", "!=", "cancelled")
