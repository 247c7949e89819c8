from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CrmChannelCase


@tagged("post_install", "-at_install")
class TestCrmSalesFact(CrmChannelCase):
    """The fact's companions: booked order lines with the fact's columns, and the orders behind invoices."""

    def _rows(self, query):
        return self.env.execute_query_dict(SQL(
            "SELECT partner_id, SUM(quantity) AS qty, SUM(revenue) AS revenue, SUM(cost) AS cost, "
            "BOOL_AND(cost_estimated) AS estimated FROM (%s) f GROUP BY partner_id", query))

    def test_order_lines_are_in_the_product_unit_at_the_standard_cost(self):
        """A dozen booked at 96 is 12 units of revenue 96 and cost 12 x 60, flagged as an estimate."""
        buyer = self.env["res.partner"].create({"name": "Dozen Buyer", "is_company": True})
        order = self.env["sale.order"].create({
            "partner_id": buyer.id,
            "order_line": [Command.create({"product_id": self.chair.id, "product_uom_qty": 1, "price_unit": 96.0,
                                           "product_uom_id": self.env.ref("uom.product_uom_dozen").id,
                                           "tax_ids": [Command.clear()]})]})
        facts = self.env["crm.sales.fact"]
        partners = SQL("%s", buyer.id)
        self.assertFalse(self._rows(facts._order_lines_sql(self.company.ids, partners=partners)),
                         "a quotation is not a booked sale")
        order.action_confirm()
        self.env.flush_all()
        [row] = self._rows(facts._order_lines_sql(self.company.ids, partners=partners))
        self.assertEqual((row["qty"], row["revenue"], row["cost"], row["estimated"]), (12, 96, 720, True))
        later = self._rows(facts._order_lines_sql(self.company.ids, date_to=order.date_order.date().replace(
            year=order.date_order.year - 1), partners=partners))
        self.assertFalse(later, "an order after the end date is left out")

    def test_orders_behind_invoices(self):
        """Each invoiced order counts once, an invoice without an order counts as one, a credit note as none."""
        facts = self.env["crm.sales.fact"]
        self.i4._reverse_moves(cancel=True)
        self.env.flush_all()
        counts = dict(self.env.execute_query(SQL(
            "SELECT partner_id, order_count FROM (%s) c",
            facts._order_count_sql(facts._lines_sql(self.company.ids), ["partner_id"]))))
        self.assertEqual(counts[self.customer_big.id], 2)
        self.assertEqual(counts[self.customer_small.id], 1)
        self.assertEqual(counts[self.customer_third.id], 1)

    def test_standard_cost_is_the_order_companys(self):
        """Another company's standard cost of the product never costs this company's lines, whichever companies
        the fact is read for (one, several, or all)."""
        other = self.env["res.company"].create({"name": "Other cost company"})
        self.chair.with_company(other).sudo().standard_price = 1.0
        buyer = self.env["res.partner"].create({"name": "Cost Buyer", "is_company": True})
        order = self.env["sale.order"].create({
            "partner_id": buyer.id,
            "order_line": [Command.create({"product_id": self.chair.id, "product_uom_qty": 2, "price_unit": 96.0,
                                           "tax_ids": [Command.clear()]})]})
        order.action_confirm()
        self.env.flush_all()
        facts = self.env["crm.sales.fact"]
        partners = SQL("%s", buyer.id)
        for companies in (self.company.ids, (self.company | other).ids, None):
            [row] = self._rows(facts._order_lines_sql(companies, partners=partners))
            self.assertEqual(row["cost"], 2 * 60, companies)
