from odoo import fields, models


class ProductSupplierinfo(models.Model):
    """The vendor's share of a product's requirement in the published demand forecast."""

    _inherit = "product.supplierinfo"

    crm_forecast_share = fields.Float(
        "Forecast Share (%)", digits=(5, 2), groups="purchase.group_purchase_user",
        help="Share of the product's requirement this vendor is asked for in the demand forecast. When several "
             "vendors supply a product, each gets its share of the total of the shares; when no vendor has a "
             "share, the first vendor (by sequence) gets the whole requirement.")

    _crm_forecast_share_range = models.Constraint(
        "CHECK(crm_forecast_share >= 0 AND crm_forecast_share <= 100)",
        "The forecast share is a percentage between 0 and 100.")
