"""The vendor's bills on the portal: upload a PDF for a confirmed order (``purchase.order
._crm_supplier_upload_bill`` makes the draft bill), the list on the order page, and the download of the
uploaded file."""
import hashlib

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import content_disposition, request

from ..const import MAX_BILL_SIZE
from .portal_input import parse_id
from .portal_orders import SupplierOrderPortal


class SupplierBillPortal(SupplierOrderPortal):

    def _crm_order_page_values(self, order_sudo, can_write):
        values = super()._crm_order_page_values(order_sudo, can_write)
        if can_write:
            values["bills"] = self._crm_order_bills(order_sudo)
        return values

    def _crm_order_bills(self, order_sudo):
        """The bills the vendor uploaded for the order, newest first, as plain values for the page (only for
        the vendor's own portal users: the caller checks it)."""
        bills = request.env["account.move"].sudo().search([("crm_supplier_order_id", "=", order_sudo.id)],
                                                          order="id desc")
        files = self._crm_bill_files(bills, order_sudo.partner_id)  # checked again on download
        result = []
        for bill in bills:
            if bill.state == "cancel":
                status = request.env._("Cancelled")
            elif bill.state == "draft":
                status = request.env._("Received, to be checked by the buyer")
            elif bill.payment_state in ("paid", "in_payment"):
                status = request.env._("Paid")
            elif bill.payment_state == "partial":
                status = request.env._("Partially paid")
            else:
                status = request.env._("Registered")
            result.append({
                "id": bill.id, "file_name": files[bill.id].name if bill.id in files else bill.display_name,
                "has_file": bill.id in files,
                "reference": bill.name if bill.state == "posted" else "",
                "date_uploaded": bill.create_date,
                "amount": bill.amount_total, "currency": bill.currency_id, "status": status, "state": bill.state,
            })
        return result

    @staticmethod
    def _crm_bill_files(bills, vendor):
        """{bill id: the file the vendor sent} (superuser records): the first attachment of the first message a
        contact of the vendor posted on the bill (the upload), never a file of the buyer; one query for all."""
        if not bills:
            return {}
        messages = request.env["mail.message"].sudo().search([
            ("model", "=", "account.move"), ("res_id", "in", bills.ids), ("attachment_ids", "!=", False),
            ("author_id", "child_of", vendor.commercial_partner_id.id)], order="id")
        files = {}
        for message in messages:
            files.setdefault(message.res_id, message.attachment_ids.sorted("id")[:1])
        return files

    def _crm_bill_file(self, bill, vendor):
        """The vendor's file of a bill if its content is still the uploaded one (SHA-256 of the upload)."""
        attachment = self._crm_bill_files(bill, vendor).get(bill.id)
        if not attachment or not bill.crm_supplier_bill_sha256 \
                or hashlib.sha256(attachment.raw or b"").hexdigest() != bill.crm_supplier_bill_sha256:
            return None
        return attachment

    @http.route("/my/supplier/orders/<int:order_id>/bills/<int:bill_id>", type="http", auth="user", website=True,
                readonly=True)
    def portal_supplier_order_bill_download(self, order_id, bill_id, **kw):
        """The PDF of a bill the vendor uploaded, for the vendor's own portal users only (no access token)."""
        order_sudo = self._crm_order_check(order_id)
        if not request.env.user._crm_is_portal_vendor_of(order_sudo.partner_id):
            return self._crm_bad_request(
                request.env._("Only the vendor's portal users can download its bills."), status=403)
        bill_id = parse_id(bill_id)
        bill = request.env["account.move"].sudo().search(
            [("id", "=", bill_id or 0), ("crm_supplier_order_id", "=", order_sudo.id)], limit=1)
        attachment = self._crm_bill_file(bill, order_sudo.partner_id) if bill else None
        if not attachment:
            raise request.not_found()
        return request.make_response(attachment.raw, headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", content_disposition(attachment.name or "bill.pdf")),
            ("X-Content-Type-Options", "nosniff"),
        ])

    @http.route("/my/supplier/orders/<int:order_id>/bill", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_supplier_order_bill(self, order_id, bill=None, **kw):
        """Upload a PDF bill (10 MB at most): a draft vendor bill linked to the order, buyer notified. A refused
        file comes back to the order page with the reason next to the file field (HTTP 400)."""
        order_sudo = self._crm_order_check(order_id)
        if refusal := self._crm_write_refusal(order_sudo.partner_id):
            return refusal
        if not hasattr(bill, "read"):
            message = request.env._("Choose a PDF file to upload.")
            return self._crm_order_page(order_sudo, status=400, form_errors={"bill": message}, error_message=message)
        content = bill.read(MAX_BILL_SIZE + 1)
        try:
            new_bill = order_sudo._crm_supplier_upload_bill(bill.filename or "", content, request.env.user.partner_id)
        except (UserError, ValidationError) as e:
            return self._crm_order_page(order_sudo, status=400, form_errors={"bill": e.args[0]},
                                        error_message=e.args[0])
        return request.redirect(f"/my/purchase/{order_sudo.id}?message=billed&bill={new_bill.id}#bills")
