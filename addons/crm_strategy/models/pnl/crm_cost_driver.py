from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...tools.limits import MAX_AMOUNT

COST_DRIVERS = [
    ("quotation", "Quotation"),
    ("sale_order", "Sales order"),
    ("order_line", "Order line"),
    ("delivery", "Delivery"),
    ("return", "Return"),
    ("invoice", "Invoice"),
    ("credit_note", "Credit note"),
    ("payment_reminder", "Payment reminder"),
    ("payment_delay", "Payment delay (amount x days overdue)"),
    ("activity", "Logged activity"),
]


class CrmCostDriver(models.Model):
    """Activity-based costing: what one unit of a service activity costs, per company."""

    _name = "crm.cost.driver"
    _description = "Cost-to-Serve Driver"
    _order = "company_id, driver"

    driver = fields.Selection(COST_DRIVERS, required=True)
    name = fields.Char(compute="_compute_name", store=True)
    unit_cost = fields.Float(
        required=True, digits=(16, 6),
        help="Cost of one unit of the driver in the company currency. For the payment delay, the daily cost "
        "of capital per unit of overdue receivable (e.g. 0.0003 for about 11% a year).",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)

    _driver_company_uniq = models.Constraint(
        "UNIQUE(driver, company_id)", "Each cost driver is defined once per company."
    )

    @api.depends("driver")
    def _compute_name(self):
        labels = dict(COST_DRIVERS)
        for driver in self:
            driver.name = labels.get(driver.driver)

    @api.constrains("unit_cost")
    def _check_unit_cost(self):
        for driver in self:
            if not 0 <= driver.unit_cost < MAX_AMOUNT:
                raise ValidationError(self.env._("The unit cost of %s cannot be negative or absurd.",
                                                 driver.name))
