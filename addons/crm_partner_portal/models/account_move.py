from odoo import fields, models


class AccountMove(models.Model):
    """Which purchase order a vendor uploaded a bill for on the portal, and the file's SHA-256: the portal caps
    the bills per order and refuses a file uploaded twice."""

    _inherit = "account.move"

    crm_supplier_order_id = fields.Many2one(
        "purchase.order", "Uploaded on the Portal for", readonly=True, copy=False, index="btree_not_null",
        groups="purchase.group_purchase_user,account.group_account_invoice")
    crm_supplier_bill_sha256 = fields.Char("Uploaded File SHA-256", readonly=True, copy=False,
                                           groups="purchase.group_purchase_user,account.group_account_invoice")

    _crm_supplier_bill_uniq = models.UniqueIndex(
        "(crm_supplier_order_id, crm_supplier_bill_sha256) WHERE crm_supplier_bill_sha256 IS NOT NULL",
        "This file was already uploaded for this order.")
