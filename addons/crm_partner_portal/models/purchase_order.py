import hashlib

from odoo import Command, api, fields, models
from odoo.addons.crm_strategy.tools.access import check_group
from odoo.exceptions import UserError, ValidationError

from ..const import COMMIT_READERS, MAX_BILL_SIZE, MAX_BILLS_PER_ORDER


class PurchaseOrder(models.Model):
    """Vendor commitments and acknowledgement on the purchase order, as the buyer sees them."""

    _inherit = "purchase.order"

    crm_supplier_commit_ids = fields.One2many("crm.supplier.commit", "order_id", string="Supplier Commitments",
                                              groups=COMMIT_READERS)
    crm_supplier_ack_date = fields.Datetime(
        "Acknowledged On", copy=False, readonly=True, groups=COMMIT_READERS,
        help="When the vendor acknowledged the order on the portal.")
    crm_commit_pending_count = fields.Integer(compute="_compute_crm_commit_counts", string="Proposed Commitments",
                                              groups=COMMIT_READERS)
    crm_commit_discrepancy_count = fields.Integer(compute="_compute_crm_commit_counts", string="Discrepancies",
                                                  groups=COMMIT_READERS)

    @api.depends("crm_supplier_commit_ids.state", "crm_supplier_commit_ids.is_discrepancy")
    def _compute_crm_commit_counts(self):
        for order in self:
            live = order.crm_supplier_commit_ids.filtered(lambda c: c.state == "proposed")
            order.crm_commit_pending_count = len(live)
            order.crm_commit_discrepancy_count = len(live.filtered("is_discrepancy"))

    def write(self, vals):
        """Queue the order_sent / order_changed webhook events of the vendor."""
        before = {order.id: order.state for order in self} if "state" in vals else {}
        result = super().write(vals)
        changed = {"order_line", "date_planned", "partner_ref", "payment_term_id"} & set(vals)
        for order in self:
            event = None
            if "state" in vals and vals["state"] == "sent" and before.get(order.id) != "sent":
                event = "order_sent"
            elif changed and order.state in ("sent", "purchase"):
                event = "order_changed"
            if event:
                self.env["crm.supplier.webhook"]._crm_enqueue(order.partner_id, event, order._crm_webhook_payload(),
                                                              company=order.company_id)
        return result

    def _crm_webhook_payload(self):
        self.ensure_one()
        return {
            "order": self.name, "order_id": self.id, "state": self.state,
            "date_planned": str(self.date_planned) if self.date_planned else None,
            "amount_total": self.amount_total, "currency": self.currency_id.name,
            "lines": [{"id": line.id, "product": line.product_id.display_name, "quantity": line.product_qty,
                       "date_planned": str(line.date_planned) if line.date_planned else None}
                      for line in self.order_line if not line.display_type],
        }

    def _crm_supplier_can_edit(self):
        """Locked, cancelled (and, in 19.0, done means locked) orders are read-only on the portal."""
        self.ensure_one()
        return self.state in ("draft", "sent", "to approve", "purchase") and not self.locked

    def _crm_buyer(self):
        """Who follows the vendor's answers up: the order's buyer, or its creator, if internal; else the
        fallback user of the settings."""
        self.ensure_one()
        buyer = self.user_id or self.create_uid
        return buyer if buyer and buyer._is_internal() else self.env["res.users"]._crm_supplier_fallback_user()

    def action_crm_supplier_acknowledge(self):
        """Called by the portal as superuser: then only for the vendor's own portal users."""
        self.check_access("write")
        if self.env.su:
            self.env.user._crm_check_supplier_answer(self.partner_id)
        for order in self:
            if not order._crm_supplier_can_edit():
                raise UserError(self.env._("Order %(name)s is read-only.", name=order.name))
            if order.acknowledged:
                continue
            order.write({"acknowledged": True, "crm_supplier_ack_date": fields.Datetime.now()})
            order.message_post(body=self.env._("The vendor acknowledged the order on the portal."))
        return True

    def _crm_register_supplier_commits(self, commits_by_line, author):
        """Replace the proposed commitments of the given lines by new ones, in one transaction.

        :param commits_by_line: {purchase.order.line: [vals, ...]}, each vals holding kind, quantity,
            date_commit and reason; the lines must belong to this order.
        :param author: the vendor contact posting them (for the chatter).
        Only the vendor's portal users (and the superuser) may; the rest runs as superuser.
        """
        self.ensure_one()
        self.env.user._crm_check_supplier_answer(self.partner_id)
        self = self.sudo()
        if not self._crm_supplier_can_edit():
            raise UserError(self.env._("Order %(name)s is read-only.", name=self.name))
        if not commits_by_line:
            raise ValidationError(self.env._("Nothing to commit."))
        Commit = self.env["crm.supplier.commit"]
        lines = self.env["purchase.order.line"].union(*commits_by_line)
        if lines.order_id != self:
            raise ValidationError(self.env._("These lines are not on order %(name)s.", name=self.name))
        with self.env.cr.savepoint():
            Commit.search([("order_line_id", "in", lines.ids), ("state", "!=", "superseded")]).state = "superseded"
            created = Commit.create([{**vals, "order_line_id": line.id}
                                     for line, line_vals in commits_by_line.items() for vals in line_vals])
            self.message_post(
                body=self.env._("The vendor sent %(count)s commitment(s) on the portal.", count=len(created)),
                author_id=author.id)
            if not self.activity_ids.filtered(
                    lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
                    and a.summary == self.env._("Review supplier commitments")):
                self.activity_schedule(
                    "mail.mail_activity_data_todo", summary=self.env._("Review supplier commitments"),
                    user_id=self._crm_buyer().id)
        return created

    def _crm_supplier_upload_bill(self, filename, content, author):
        """A draft vendor bill for what is left to bill on the order, with the vendor's PDF attached;
        the buyer gets an activity on it. Only the vendor's portal users (and the superuser) may; the rest
        runs as superuser. A file already uploaded for the order (same SHA-256) and more than
        MAX_BILLS_PER_ORDER bills are refused."""
        self.ensure_one()
        self.env.user._crm_check_supplier_answer(self.partner_id)
        self = self.sudo()
        if self.state != "purchase":
            raise UserError(self.env._("Bills can be uploaded on confirmed purchase orders only."))
        if not content or len(content) > MAX_BILL_SIZE:
            raise ValidationError(self.env._("The file must be a PDF of at most 10 MB."))
        if not content.startswith(b"%PDF-") or not (filename or "").lower().endswith(".pdf"):
            raise ValidationError(self.env._("Only PDF files are accepted."))
        digest = hashlib.sha256(content).hexdigest()
        uploaded = self.env["account.move"].search([("crm_supplier_order_id", "=", self.id)])
        if digest in uploaded.mapped("crm_supplier_bill_sha256"):
            raise ValidationError(self.env._("This file was already uploaded for %(order)s.", order=self.name))
        if len(uploaded) >= MAX_BILLS_PER_ORDER:
            raise ValidationError(self.env._(
                "%(count)s bills were already uploaded for %(order)s: ask the buyer before sending another one.",
                count=MAX_BILLS_PER_ORDER, order=self.name))
        with self.env.cr.savepoint():
            return self._crm_create_supplier_bill(filename, content, digest, author)

    def _crm_create_supplier_bill(self, filename, content, digest, author):
        """The draft bill of ``_crm_supplier_upload_bill``, once the file is accepted."""
        self.ensure_one()
        invoice_vals = self._prepare_invoice()
        lines = []
        for line in self.order_line.filtered(lambda ln: not ln.display_type):
            vals = line._prepare_account_move_line()
            # nothing received yet (or already billed): what is left to bill, never a negative quantity (a second
            # bill of the same order would otherwise be a draft of minus the first one)
            if vals["quantity"] <= 0:
                vals["quantity"] = max(line.product_qty - line.qty_invoiced, 0.0)
            lines.append(Command.create(vals))
        invoice_vals.update(invoice_line_ids=lines, crm_supplier_order_id=self.id, crm_supplier_bill_sha256=digest)
        bill = self.env["account.move"].with_company(self.company_id).with_context(
            default_move_type="in_invoice").create(invoice_vals)
        attachment = self.env["ir.attachment"].create({
            "name": filename[-120:], "raw": content, "mimetype": "application/pdf",
            "res_model": "account.move", "res_id": bill.id,
        })
        bill.message_post(body=self.env._("Bill uploaded by the vendor on the portal for %(order)s.",
                                          order=self.name),
                          attachment_ids=attachment.ids, author_id=author.id)
        bill.message_main_attachment_id = attachment
        bill.activity_schedule("mail.mail_activity_data_todo", summary=self.env._("Check the uploaded bill"),
                               user_id=self._crm_buyer().id)
        self.message_post(body=self.env._("The vendor uploaded a bill: %(bill)s.", bill=bill.display_name),
                          author_id=author.id)
        return bill

    def action_crm_accept_supplier_commits(self):
        """Buyer: accept every proposed commitment of the order into the planned dates."""
        self.check_access("write")
        return self.crm_supplier_commit_ids.filtered(lambda c: c.state == "proposed").action_accept()

    def action_crm_view_commits(self):
        check_group(self.env, "purchase.group_purchase_user")
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_partner_portal.action_crm_supplier_commit")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"search_default_proposed": 1}
        return action
