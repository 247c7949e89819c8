from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CrmSupplierScorecard(models.Model):
    """How well each vendor collaborates, computed on the fly from receipts, commitments and
    acknowledgements (no table: always current, nothing to refresh). On-time delivery is Odoo's own
    ``on_time_rate`` (purchase_stock), the figure the vendor also reads on the portal."""

    _name = "crm.supplier.scorecard"
    _description = "Supplier scorecard"
    _auto = False
    _order = "partner_id, company_id"

    partner_id = fields.Many2one("res.partner", "Vendor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    receipt_count = fields.Integer("Receipts", readonly=True)
    on_time_rate = fields.Float(
        "On-time Delivery (%)", compute="_compute_on_time",
        help="Odoo's on-time delivery rate of the vendor (Purchase): quantity received by the planned date, of the "
             "quantity ordered, on its confirmed orders of the period shown (the days of the system parameter "
             "purchase_stock.on_time_delivery_days, 365 by default). The portal shows the vendor this figure.")
    on_time_measured = fields.Boolean("On-time Measured", compute="_compute_on_time",
                                      help="Whether some quantity was received in the period.")
    on_time_date_from = fields.Date("On-time From", compute="_compute_on_time")
    on_time_date_to = fields.Date("On-time To", compute="_compute_on_time")
    receipt_date_from = fields.Date("Receipts From", readonly=True)
    receipt_date_to = fields.Date("Receipts To", readonly=True)
    commit_line_count = fields.Integer("Committed Lines Due", readonly=True)
    commit_accuracy = fields.Float("Commit Accuracy (%)", readonly=True, aggregator="avg",
                                   help="Share of committed lines, due by now, whose received quantity reaches the "
                                        "committed quantity.")
    qty_committed = fields.Float("Committed Quantity Due", readonly=True,
                                 help="Quantities the vendor committed on order lines due by now.")
    qty_delivered = fields.Float("Delivered of the Committed", readonly=True,
                                 help="Received quantities on those lines, at most the committed quantity.")
    commit_reliability = fields.Float("Commitment Reliability (%)", readonly=True, aggregator="avg",
                                      help="Delivered of the committed quantity due, in percent.")
    commit_date_from = fields.Date("Commitments Due From", readonly=True)
    commit_date_to = fields.Date("Commitments Due To", readonly=True)
    answered_order_count = fields.Integer("Answered Orders", readonly=True)
    response_hours = fields.Float("Response Time (h)", readonly=True, aggregator="avg",
                                  help="Average hours from the order's creation to the vendor's first answer "
                                       "(acknowledgement or commitment).")
    answer_date_from = fields.Date("Orders Answered From", readonly=True)
    answer_date_to = fields.Date("Orders Answered To", readonly=True)

    def _compute_on_time(self):
        rates = self._crm_on_time_rates(self.partner_id)
        date_from, date_to = self._crm_on_time_period()
        for card in self:
            rate = rates.get(card.partner_id.id)
            card.on_time_rate = rate or 0.0
            card.on_time_measured = rate is not None
            card.on_time_date_from, card.on_time_date_to = date_from, date_to

    @api.model
    def _crm_on_time_period(self):
        """(first day, last day) of Odoo's on-time rate: the orders of the last on_time_delivery_days days."""
        days = self.env["ir.config_parameter"].sudo().get_param("purchase_stock.on_time_delivery_days", "365")
        days = int(days) if days.isdigit() else 365
        today = fields.Date.context_today(self)
        return today - timedelta(days=days), today

    @api.model
    def _crm_on_time_rates(self, partners):
        """{partner id: Odoo's on_time_rate, None without any quantity received in the period}: the one
        definition of on-time delivery, for the scorecard and the vendor's portal (read as superuser: over
        all the vendor's orders, whoever asks)."""
        partners = partners.sudo()
        partners.invalidate_recordset(["on_time_rate"])  # not stored, no dependencies: always fresh
        return {partner.id: partner.on_time_rate if partner.on_time_rate >= 0 else None for partner in partners}

    @property
    def _table_query(self):
        return SQL("""
WITH receipts AS (
    SELECT vendor.commercial_partner_id AS partner_id, sp.company_id, COUNT(*) AS receipt_count,
           -- days in the user's time zone, as the on-time period and the commitments due by today
           (MIN(sp.date_done) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS receipt_date_from,
           (MAX(sp.date_done) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS receipt_date_to
      FROM stock_picking sp
      JOIN stock_picking_type spt ON spt.id = sp.picking_type_id AND spt.code = 'incoming'
      JOIN res_partner vendor ON vendor.id = sp.partner_id
     WHERE sp.state = 'done'
  GROUP BY 1, 2
),
commit_lines AS (
    SELECT c.partner_id, c.company_id, c.order_line_id, SUM(c.quantity) AS qty, MAX(c.date_commit) AS date_commit
      FROM crm_supplier_commit c
     WHERE c.kind = 'commit' AND c.state != 'superseded'
  GROUP BY 1, 2, 3
),
accuracy AS (
    SELECT cl.partner_id, cl.company_id, COUNT(*) AS commit_line_count,
           100.0 * COUNT(*) FILTER (WHERE pol.qty_received >= cl.qty) / COUNT(*) AS commit_accuracy,
           SUM(cl.qty) AS qty_committed, SUM(LEAST(pol.qty_received, cl.qty)) AS qty_delivered,
           MIN(cl.date_commit) AS commit_date_from, MAX(cl.date_commit) AS commit_date_to
      FROM commit_lines cl
      JOIN purchase_order_line pol ON pol.id = cl.order_line_id
     -- commitments due by today in the user's time zone (the database's CURRENT_DATE is UTC's)
     WHERE cl.date_commit <= %(today)s
  GROUP BY 1, 2
),
answers AS (
    SELECT vendor.commercial_partner_id AS partner_id, po.company_id, COUNT(*) AS answered_order_count,
           -- the acknowledgement is stamped to the second, the order's creation to the microsecond: an answer
           -- within the same second would come out negative
           AVG(GREATEST(EXTRACT(EPOCH FROM (LEAST(po.crm_supplier_ack_date, first_commit.date) - po.create_date)), 0)
               / 3600.0) AS response_hours,
           (MIN(po.create_date) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS answer_date_from,
           (MAX(LEAST(po.crm_supplier_ack_date, first_commit.date)) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
               AS answer_date_to
      FROM purchase_order po
      JOIN res_partner vendor ON vendor.id = po.partner_id
      LEFT JOIN LATERAL (SELECT MIN(c.create_date) AS date FROM crm_supplier_commit c WHERE c.order_id = po.id)
           first_commit ON TRUE
     WHERE po.crm_supplier_ack_date IS NOT NULL OR first_commit.date IS NOT NULL
  GROUP BY 1, 2
),
keys AS (
    SELECT partner_id, company_id FROM receipts
    UNION SELECT partner_id, company_id FROM accuracy
    UNION SELECT partner_id, company_id FROM answers
)
SELECT ROW_NUMBER() OVER (ORDER BY k.partner_id, k.company_id) AS id, k.partner_id, k.company_id,
       COALESCE(r.receipt_count, 0) AS receipt_count, r.receipt_date_from, r.receipt_date_to,
       COALESCE(a.commit_line_count, 0) AS commit_line_count, a.commit_accuracy,
       COALESCE(a.qty_committed, 0) AS qty_committed, COALESCE(a.qty_delivered, 0) AS qty_delivered,
       100.0 * a.qty_delivered / NULLIF(a.qty_committed, 0) AS commit_reliability,
       a.commit_date_from, a.commit_date_to,
       COALESCE(s.answered_order_count, 0) AS answered_order_count, s.response_hours,
       s.answer_date_from, s.answer_date_to
  FROM keys k
  LEFT JOIN receipts r ON r.partner_id = k.partner_id AND r.company_id = k.company_id
  LEFT JOIN accuracy a ON a.partner_id = k.partner_id AND a.company_id = k.company_id
  LEFT JOIN answers s ON s.partner_id = k.partner_id AND s.company_id = k.company_id
        """, today=fields.Date.context_today(self), tz=self.env.tz.zone)

    @api.model
    def _crm_vendor_card(self, partner):
        """The vendor's own figures for the portal, each with its period: on-time delivery as the scorecard
        reads it (``_crm_on_time_rates``, Odoo's), the rest from this scorecard. ``partner`` is the commercial
        partner of the portal user; the caller checks it is the user's own."""
        partner = partner.commercial_partner_id
        date_from, date_to = self._crm_on_time_period()
        return {
            "on_time_rate": self._crm_on_time_rates(partner)[partner.id],
            "on_time_date_from": date_from, "on_time_date_to": date_to,
            "rows": self.sudo().search([("partner_id", "=", partner.id)], order="company_id"),
        }
