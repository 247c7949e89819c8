from odoo import api, fields, models

from ..const import COMMIT_READERS


class PurchaseOrderLine(models.Model):
    """The vendor's commitments per line, summed for the requested-vs-committed comparison."""

    _inherit = "purchase.order.line"

    crm_supplier_commit_ids = fields.One2many("crm.supplier.commit", "order_line_id", string="Supplier Commitments",
                                              groups=COMMIT_READERS)
    crm_qty_committed = fields.Float(
        "Committed Qty", compute="_compute_crm_commitment", digits="Product Unit", groups=COMMIT_READERS,
        help="Quantity the vendor committed (proposed or accepted commitments).")
    crm_date_committed = fields.Date("Committed Date", compute="_compute_crm_commitment", groups=COMMIT_READERS)
    crm_commit_status = fields.Selection(
        [("none", "No answer"), ("ok", "As requested"), ("discrepancy", "Discrepancy"), ("rejected", "Rejected")],
        compute="_compute_crm_commitment", string="Vendor Answer", groups=COMMIT_READERS)

    @api.depends("crm_supplier_commit_ids.state", "crm_supplier_commit_ids.quantity",
                 "crm_supplier_commit_ids.date_commit", "crm_supplier_commit_ids.is_discrepancy")
    def _compute_crm_commitment(self):
        for line in self:
            live = line.crm_supplier_commit_ids.filtered(lambda c: c.state != "superseded")
            commits = live.filtered(lambda c: c.kind == "commit")
            line.crm_qty_committed = sum(commits.mapped("quantity"))
            line.crm_date_committed = max(commits.mapped("date_commit"), default=False)
            if not live:
                line.crm_commit_status = "none"
            elif live.filtered(lambda c: c.kind == "reject"):
                line.crm_commit_status = "rejected"
            elif live.filtered("is_discrepancy"):
                line.crm_commit_status = "discrepancy"
            else:
                line.crm_commit_status = "ok"
