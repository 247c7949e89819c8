from datetime import timedelta

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class CrmStrategyCase(AccountTestInvoicingCommon):
    """Customers with real posted invoices and confirmed orders in a fresh company of their own,
    so that figures are computed by hand whatever demo data the database holds."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager") | cls.env.ref(
            "crm_strategy.group_crm_strategy_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        company_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.manager = new_test_user(
            cls.env, "strat_manager", groups="crm_strategy.group_crm_strategy_manager", **company_vals)
        cls.strategy_user = new_test_user(
            cls.env, "strat_user", groups="crm_strategy.group_crm_strategy_user", **company_vals)
        cls.product = cls.env["product.product"].create({
            "name": "Desk", "type": "consu", "list_price": 100.0, "standard_price": 60.0,
        })
        cls.customer_big = cls.env["res.partner"].create({"name": "Big Buyer", "is_company": True})
        cls.customer_small = cls.env["res.partner"].create({"name": "Small Buyer", "is_company": True})
        cls.customer_none = cls.env["res.partner"].create({"name": "Never Bought", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Big Buyer Contact", "parent_id": cls.customer_big.id})

    @classmethod
    def _invoice(cls, partner, days_ago, quantity, price=100.0, discount=0.0, move_type="out_invoice", product=None):
        move = cls.env["account.move"].create({
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": cls.today - timedelta(days=days_ago),
            "invoice_line_ids": [Command.create({
                "product_id": (product or cls.product).id, "quantity": quantity, "price_unit": price,
                "discount": discount,
                "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        return move

    @classmethod
    def _order(cls, partner, days_ago, quantity=1):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": quantity})],
        })
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order
