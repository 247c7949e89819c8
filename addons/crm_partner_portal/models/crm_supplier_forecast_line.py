from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_COMMIT_FACTOR = 100


class CrmSupplierForecastLine(models.Model):
    """Demand of one product in one weekly bucket of a forecast snapshot, and the vendor's answer."""

    _name = "crm.supplier.forecast.line"
    _description = "Supplier forecast bucket"
    _order = "forecast_id, product_id, week"
    _check_company_auto = True

    forecast_id = fields.Many2one("crm.supplier.forecast", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", "Vendor", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True, check_company=True)
    week = fields.Integer(required=True, help="0 is the week of publication.")
    week_start = fields.Date(required=True)
    qty_sales = fields.Float("Confirmed Sales", digits="Product Unit",
                             help="Confirmed sales not delivered yet, by expected delivery week.")
    qty_pipeline = fields.Float("Weighted Pipeline", digits="Product Unit",
                                help="Quotations weighted by the probability of their opportunity.")
    qty_run_rate = fields.Float("Run Rate", digits="Product Unit", help="Weekly deliveries of the last 12 weeks.")
    qty_demand = fields.Float("Demand", digits="Product Unit",
                              help="Confirmed sales plus weighted pipeline, at least the run rate.")
    qty_on_hand = fields.Float("On Hand", digits="Product Unit")
    qty_incoming = fields.Float("Incoming", digits="Product Unit")
    qty_net = fields.Float("Net Requirement", digits="Product Unit",
                           help="Demand not covered by stock on hand and incoming receipts, cumulated week to week.")
    qty_committed = fields.Float("Committed by Vendor", digits="Product Unit")
    date_committed = fields.Datetime(readonly=True)

    _forecast_product_week_uniq = models.Constraint(
        "UNIQUE(forecast_id, product_id, week)", "One bucket per product and week.")

    @api.constrains("qty_committed")
    def _check_qty_committed(self):
        for line in self:
            limit = max(line.qty_net, line.qty_demand, 1.0) * MAX_COMMIT_FACTOR
            if line.qty_committed < 0 or line.qty_committed > limit:
                raise ValidationError(self.env._(
                    "The committed quantity must be between 0 and %(limit)s.", limit=limit))
