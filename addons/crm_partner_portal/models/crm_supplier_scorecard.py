from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CrmSupplierScorecard(models.Model):
    """How well each vendor collaborates, computed on the fly from receipts, commitments and
    acknowledgements (no table: always current, nothing to refresh)."""

    _name = "crm.supplier.scorecard"
    _description = "Supplier scorecard"
    _auto = False
    _order = "on_time_rate desc, partner_id"

    partner_id = fields.Many2one("res.partner", "Vendor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    receipt_count = fields.Integer("Receipts", readonly=True)
    on_time_rate = fields.Float("On-time Delivery (%)", readonly=True, aggregator="avg",
                                help="Share of done receipts validated no later than their scheduled "
                                     "(or deadline) day.")
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

    @property
    def _table_query(self):
        return SQL("""
WITH receipts AS (
    SELECT vendor.commercial_partner_id AS partner_id, sp.company_id, COUNT(*) AS receipt_count,
           100.0 * COUNT(*) FILTER (WHERE sp.date_done::date <= COALESCE(sp.date_deadline, sp.scheduled_date)::date)
               / COUNT(*) AS on_time_rate,
           MIN(sp.date_done)::date AS receipt_date_from, MAX(sp.date_done)::date AS receipt_date_to
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
           MIN(po.create_date)::date AS answer_date_from,
           MAX(LEAST(po.crm_supplier_ack_date, first_commit.date))::date AS answer_date_to
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
       COALESCE(r.receipt_count, 0) AS receipt_count, r.on_time_rate, r.receipt_date_from, r.receipt_date_to,
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
        """, today=fields.Date.context_today(self))

    @api.model
    def _crm_vendor_card(self, partner):
        """The vendor's own figures for the portal, each with its period: on-time delivery is Odoo's
        ``on_time_rate`` (purchase_stock: quantity received on time of the orders of the last
        ``purchase_stock.on_time_delivery_days`` days), the rest comes from this scorecard. ``partner`` is the
        commercial partner of the portal user; the caller checks it is the user's own."""
        partner = partner.commercial_partner_id
        days = self.env["ir.config_parameter"].sudo().get_param("purchase_stock.on_time_delivery_days", "365")
        days = int(days) if days.isdigit() else 365
        today = fields.Date.context_today(self)
        rate = partner.sudo().on_time_rate
        return {
            "on_time_rate": rate if rate >= 0 else None,  # Odoo's -1: no receipt in the period
            "on_time_date_from": today - timedelta(days=days), "on_time_date_to": today,
            "rows": self.sudo().search([("partner_id", "=", partner.id)], order="company_id"),
        }
