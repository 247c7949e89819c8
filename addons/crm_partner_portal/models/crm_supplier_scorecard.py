from odoo import fields, models
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
    commit_line_count = fields.Integer("Committed Lines Due", readonly=True)
    commit_accuracy = fields.Float("Commit Accuracy (%)", readonly=True, aggregator="avg",
                                   help="Share of committed lines, due by now, whose received quantity reaches the "
                                        "committed quantity.")
    answered_order_count = fields.Integer("Answered Orders", readonly=True)
    response_hours = fields.Float("Response Time (h)", readonly=True, aggregator="avg",
                                  help="Average hours from the order's creation to the vendor's first answer "
                                       "(acknowledgement or commitment).")

    @property
    def _table_query(self):
        return SQL("""
WITH receipts AS (
    SELECT vendor.commercial_partner_id AS partner_id, sp.company_id, COUNT(*) AS receipt_count,
           100.0 * COUNT(*) FILTER (WHERE sp.date_done::date <= COALESCE(sp.date_deadline, sp.scheduled_date)::date)
               / COUNT(*) AS on_time_rate
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
           100.0 * COUNT(*) FILTER (WHERE pol.qty_received >= cl.qty) / COUNT(*) AS commit_accuracy
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
               / 3600.0) AS response_hours
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
       COALESCE(r.receipt_count, 0) AS receipt_count, r.on_time_rate,
       COALESCE(a.commit_line_count, 0) AS commit_line_count, a.commit_accuracy,
       COALESCE(s.answered_order_count, 0) AS answered_order_count, s.response_hours
  FROM keys k
  LEFT JOIN receipts r ON r.partner_id = k.partner_id AND r.company_id = k.company_id
  LEFT JOIN accuracy a ON a.partner_id = k.partner_id AND a.company_id = k.company_id
  LEFT JOIN answers s ON s.partner_id = k.partner_id AND s.company_id = k.company_id
        """, today=fields.Date.context_today(self))
