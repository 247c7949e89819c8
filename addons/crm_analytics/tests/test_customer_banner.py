from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCustomerBanner(HttpCase):
    """The single customer view on a quotation of a demo customer (the demo company's analytics were refreshed
    at install): a salesperson of the strategy team sees segment, action, CLV with its grade and P(alive); the
    customer's profit is for the managers only, through the screen and through RPC alike."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.row = cls.env["crm.customer.metrics"].search([
            ("company_id", "=", company.id), ("segment_id", "!=", False), ("clv_model_id.backtest_grade", "!=", False),
            ("partner_id.is_company", "=", True)], order="clv desc", limit=1)
        assert cls.row, "the demo company's analytics are refreshed at install"
        company_vals = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.salesperson = new_test_user(
            cls.env, "banner_salesperson", groups="sales_team.group_sale_salesman,crm_strategy.group_crm_strategy_user",
            **company_vals)
        cls.plain_salesperson = new_test_user(
            cls.env, "banner_plain_salesperson", groups="sales_team.group_sale_salesman", **company_vals)
        cls.sales_manager = new_test_user(
            cls.env, "banner_sales_manager",
            groups="sales_team.group_sale_manager,crm_strategy.group_crm_strategy_user", **company_vals)
        product = cls.env["product.product"].create({"name": "Banner desk", "list_price": 300.0})
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.row.partner_id.id, "user_id": cls.salesperson.id, "company_id": company.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})]})

    def test_figures_are_the_metrics(self):
        order = self.order.with_user(self.sales_manager)
        self.assertEqual(order.crm_banner_segment_id, self.row.segment_id)
        self.assertEqual(order.crm_banner_action, self.row.segment_id.strategy_action)
        self.assertAlmostEqual(order.crm_banner_clv, self.row.clv, places=2)
        self.assertEqual(order.crm_banner_clv_grade, self.row.clv_model_id.backtest_grade)
        self.assertAlmostEqual(order.crm_banner_p_alive, self.row.p_alive, places=6)
        # the P&L's twelve months, the same sum as the customer profitability screen
        rows = self.env["crm.customer.profitability"].search([
            ("partner_id", "=", self.row.partner_id.id), ("company_id", "=", self.env.company.id)])
        self.assertAlmostEqual(order.crm_banner_profit, sum(rows.mapped("profit")), places=2)
        since, until = self.env["crm.segment"]._pnl_period()
        self.assertEqual(order.crm_banner_profit_period,
                         f"{since.strftime('%b %Y')} – {until.strftime('%b %Y')}")

    def test_profit_is_not_for_salespeople(self):
        for user in (self.salesperson, self.plain_salesperson):
            with self.assertRaises(AccessError):
                self.order.with_user(user).read(["crm_banner_profit"])
            with self.assertRaises(AccessError):
                self.row.partner_id.with_user(user).read(["crm_profit_12m"])
        with self.assertRaises(AccessError):
            self.order.with_user(self.plain_salesperson).read(["crm_banner_clv"])
        self.assertIn("crm_banner_clv", self.order.with_user(self.salesperson).read(["crm_banner_clv"])[0])
        # nor over JSON-RPC: the field is unknown to them
        self.authenticate("banner_salesperson", "banner_salesperson")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"), mute_logger("odoo.http"):
            self.make_jsonrpc_request("/web/dataset/call_kw/sale.order/read", {
                "model": "sale.order", "method": "read", "args": [[self.order.id], ["crm_banner_profit"]],
                "kwargs": {}})
        web_read = self.make_jsonrpc_request("/web/dataset/call_kw/sale.order/web_read", {
            "model": "sale.order", "method": "web_read", "args": [[self.order.id]],
            "kwargs": {"specification": {"crm_banner_clv": {}, "crm_banner_p_alive": {}}}})
        self.assertAlmostEqual(web_read[0]["crm_banner_p_alive"], self.row.p_alive, places=6)

    def test_salesperson_sees_the_banner(self):
        self.start_tour(f"/odoo/sales/{self.order.id}", "crm_customer_banner_tour", login="banner_salesperson")

    def test_sales_manager_sees_the_profit(self):
        self.start_tour(f"/odoo/sales/{self.order.id}", "crm_customer_banner_manager_tour",
                        login="banner_sales_manager")
