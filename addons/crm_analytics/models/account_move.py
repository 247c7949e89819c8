from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    # The customer invoices of given customers: an incremental analytics refresh reads the whole history of the
    # customers whose documents changed, and every refresh the first invoice of each customer it writes. Without
    # it each one scans every invoice line, so the cost of recomputing a thousand customers grew with the base.
    _crm_customer_invoice_idx = models.Index(
        "(commercial_partner_id) WHERE move_type IN ('out_invoice', 'out_refund')")
