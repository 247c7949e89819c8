from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# A commit further away than this is a typing error, not a plan.
MAX_COMMIT_DAYS = 366
MAX_QTY_FACTOR = 100


class CrmSupplierCommit(models.Model):
    """What a vendor promises for one purchase order line: a quantity on a date, or a refusal.

    A line may get several commits (a split into several deliveries). The buyer compares them with
    what was requested and accepts them into the line's planned date.
    """

    _name = "crm.supplier.commit"
    _description = "Supplier commitment on a purchase order line"
    _inherit = ["mail.thread"]
    _order = "order_id, order_line_id, date_commit, id"
    _check_company_auto = True

    order_line_id = fields.Many2one(
        "purchase.order.line", required=True, ondelete="cascade", index=True, check_company=True)
    order_id = fields.Many2one(
        "purchase.order", related="order_line_id.order_id", store=True, index=True, string="Purchase Order")
    partner_id = fields.Many2one(
        "res.partner", compute="_compute_partner_id", store=True, index=True, string="Vendor",
        help="Commercial partner of the vendor: the unit the portal record rules isolate on.")
    company_id = fields.Many2one(related="order_line_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="order_line_id.product_id", store=True)
    kind = fields.Selection(
        [("commit", "Commit"), ("reject", "Reject")], required=True, default="commit", tracking=True)
    quantity = fields.Float(digits="Product Unit", tracking=True)
    date_commit = fields.Date("Committed Date", tracking=True)
    reason = fields.Text(help="Why the vendor rejects the line (plain text, as typed by the vendor).")
    state = fields.Selection(
        [("proposed", "Proposed"), ("accepted", "Accepted"), ("superseded", "Superseded")],
        required=True, default="proposed", index=True, tracking=True)
    qty_requested = fields.Float(related="order_line_id.product_qty", string="Requested Quantity")
    date_requested = fields.Datetime(related="order_line_id.date_planned", string="Requested Date")
    delay_days = fields.Integer(
        compute="_compute_discrepancy", store=True, help="Days between the requested and the committed date.")
    is_discrepancy = fields.Boolean(
        compute="_compute_discrepancy", store=True, index=True,
        help="Rejected, later than requested, or the line's commits do not add up to the requested quantity.")


    @api.depends("order_line_id.order_id.partner_id.commercial_partner_id")
    def _compute_partner_id(self):
        for commit in self:
            commit.partner_id = commit.order_line_id.order_id.partner_id.commercial_partner_id

    @api.depends(
        "kind", "quantity", "date_commit", "state", "order_line_id.product_qty", "order_line_id.date_planned",
        "order_line_id.crm_supplier_commit_ids.quantity", "order_line_id.crm_supplier_commit_ids.state")
    def _compute_discrepancy(self):
        for commit in self:
            line = commit.order_line_id
            requested = line.date_planned.date() if line.date_planned else None
            commit.delay_days = (commit.date_commit - requested).days if commit.date_commit and requested else 0
            if commit.kind == "reject":
                commit.is_discrepancy = True
                continue
            live = line.crm_supplier_commit_ids.filtered(lambda c: c.state != "superseded" and c.kind == "commit")
            total = sum(live.mapped("quantity"))
            rounding = line.product_uom_id.rounding or 0.01
            commit.is_discrepancy = commit.delay_days > 0 or abs(total - line.product_qty) >= rounding

    @api.constrains("kind", "quantity", "date_commit", "reason")
    def _check_values(self):
        today = fields.Date.context_today(self)
        for commit in self:
            if commit.kind == "reject":
                if not (commit.reason or "").strip():
                    raise ValidationError(self.env._("Give a reason to reject a line."))
                continue
            if not commit.date_commit:
                raise ValidationError(self.env._("A commit needs a date."))
            if abs((commit.date_commit - today).days) > MAX_COMMIT_DAYS:
                raise ValidationError(self.env._("The committed date must be within a year from today."))
            limit = max(commit.order_line_id.product_qty, 1.0) * MAX_QTY_FACTOR
            if commit.quantity <= 0 or commit.quantity > limit:
                raise ValidationError(
                    self.env._("The committed quantity must be positive and at most %(limit)s.", limit=limit))

    def action_accept(self):
        """Move the accepted commits into the lines' planned dates (the latest date of a split: the day
        the whole committed quantity is there) and close the buyer's review activity."""
        self.check_access("write")
        todo = self.filtered(lambda c: c.state == "proposed")
        if not todo:
            raise UserError(self.env._("There is no proposed commitment to accept."))
        for order in todo.order_id:
            if order.locked or order.state == "cancel":
                raise UserError(self.env._("Order %(name)s is locked or cancelled.", name=order.name))
            updates = []
            for line in todo.filtered(lambda c, o=order: c.order_id == o).order_line_id:
                dates = todo.filtered(
                    lambda c, ln=line: c.order_line_id == ln and c.kind == "commit").mapped("date_commit")
                if dates:
                    updates.append((line, line._convert_to_middle_of_day(max(dates))))
            for line, date in updates:
                line._update_date_planned(date)
            order.message_post(body=self.env._("Supplier commitments accepted into the planned dates."))
            order.activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Commitments accepted"))
        todo.state = "accepted"
        for order in todo.order_id:
            commits = todo.filtered(lambda c, o=order: c.order_id == o)
            self.env["crm.supplier.webhook"]._crm_enqueue(order.partner_id, "commit_accepted", {
                "order": order.name, "order_id": order.id,
                "commits": [{"id": c.id, "line_id": c.order_line_id.id, "product": c.product_id.display_name,
                             "kind": c.kind, "quantity": c.quantity,
                             "date": str(c.date_commit) if c.date_commit else None} for c in commits],
            }, company=order.company_id)
        return True
