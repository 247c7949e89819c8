"""One truth of customer economics on a generated base (issue 16, item 2): forty customers with random
invoices in units and dozens, discounts, credit notes, orders and three channels, over the last eleven
months, some products valued perpetually (COGS) and some not (standard cost, flagged). Whatever the draw,
every model agrees with the sales fact, the P&L agrees with the ledger to the cent, margins stay below
revenue where costs are positive, a channel with revenue has orders and a segment's P&L is the sum of its
members'."""
import random
from collections import defaultdict
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import require_suite

SEED = 20261203
CUSTOMERS = 40


@tagged("post_install", "-at_install")
class TestOneTruthGenerated(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        env, draw = cls.env, random.Random(SEED)
        cls.company = env.company
        cls.company.anglo_saxon_accounting = True
        cls.today = fields.Date.context_today(env["res.partner"])
        perpetual = env["product.category"].create({
            "name": "Generated perpetual", "property_valuation": "real_time", "property_cost_method": "standard"})
        Product = env["product.product"]
        cls.products = [
            Product.create({"name": "Gen valued", "is_storable": True, "categ_id": perpetual.id,
                            "standard_price": 40.0, "list_price": 100.0, "invoice_policy": "order"}),
            Product.create({"name": "Gen consumable", "type": "consu", "standard_price": 15.0, "list_price": 30.0,
                            "invoice_policy": "order"}),
            Product.create({"name": "Gen valued small", "is_storable": True, "categ_id": perpetual.id,
                            "standard_price": 2.5, "list_price": 6.0, "invoice_policy": "order"}),
        ]
        dozen = env.ref("uom.product_uom_dozen")
        cls.channels = env["crm.channel"].create([
            {"name": f"Generated channel {i}", "rule_type": "domain", "rule_domain": "[('id', '=', 0)]"}
            for i in range(3)])
        cls.customers = env["res.partner"].create([
            {"name": f"Generated customer {i:02d}", "is_company": True} for i in range(CUSTOMERS)])
        invoice_vals, channel_of = [], []
        for customer in cls.customers:
            for _n in range(draw.randint(0, 5)):
                product = draw.choice(cls.products)
                in_dozens = product == cls.products[2] and draw.random() < 0.5
                invoice_vals.append({
                    "move_type": "out_invoice", "partner_id": customer.id,
                    "invoice_date": cls.today - timedelta(days=draw.randint(0, 320)),
                    "invoice_line_ids": [Command.create({
                        "product_id": product.id, "quantity": draw.randint(1, 9), "tax_ids": [],
                        "price_unit": round(product.list_price * (12 if in_dozens else 1) * draw.uniform(0.8, 1.1), 2),
                        "discount": draw.choice([0, 0, 5, 10]),
                        **({"product_uom_id": dozen.id} if in_dozens else {})})]})
                channel_of.append(draw.choice(cls.channels))
        invoices = env["account.move"].create(invoice_vals)
        invoices.action_post()
        for invoice, channel in zip(invoices, channel_of, strict=True):
            invoice.channel_id = channel
        # a quarter of the invoices are partly credited a few days later
        refund_vals = []
        for invoice in invoices.filtered(lambda _m: draw.random() < 0.25):
            line = invoice.invoice_line_ids
            refund_vals.append({
                "move_type": "out_refund", "partner_id": invoice.partner_id.id, "reversed_entry_id": invoice.id,
                "invoice_date": min(invoice.invoice_date + timedelta(days=draw.randint(1, 20)), cls.today),
                "channel_id": invoice.channel_id.id,
                "invoice_line_ids": [Command.create({
                    "product_id": line.product_id.id, "product_uom_id": line.product_uom_id.id, "tax_ids": [],
                    "quantity": max(1, int(line.quantity) // 2), "price_unit": line.price_unit})]})
        refunds = env["account.move"].create(refund_vals)
        refunds.action_post()
        # some customers order: two orders invoiced together, so one invoice stands for two orders
        for customer in cls.customers[:6]:
            orders = env["sale.order"].create([{
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": cls.products[0].id, "product_uom_qty": 2,
                                               "price_unit": 95.0, "tax_ids": []})]} for _i in range(2)])
            orders.action_confirm()
            invoice = orders._create_invoices()
            invoice.invoice_date = cls.today - timedelta(days=draw.randint(0, 300))
            invoice.action_post()
            invoice.channel_id = cls.channels[0]
        cls.products[0].standard_price = 55.0  # a cost change after the sales changes nothing
        cls.segment = env["crm.segment"].create({
            "name": "Generated even", "code": "GENEVEN",
            "rule_domain": f"[('id', 'in', {cls.customers[::2].ids})]"})
        env["crm.customer.measure"]._refresh_measures(cls.company)
        cls.segment.action_refresh_members()
        env["crm.customer.pnl"]._refresh_pnl(cls.company)
        env["crm.customer.metrics"]._refresh(cls.company)
        env.flush_all()
        cls.fact = cls._per_customer(SQL(
            "SELECT partner_id, SUM(revenue), SUM(margin), SUM(cost) FROM crm_sales_fact "
            "WHERE partner_id IN %s GROUP BY partner_id", tuple(cls.customers.ids)), env)

    @staticmethod
    def _per_customer(query, env):
        return {row[0]: row[1:] for row in env.execute_query(query)}

    def _assert_figures(self, label, figures, fields_=(0, 1)):
        """``figures``: {partner id: (revenue, margin)} equal to the fact's, to the cent."""
        self.assertTrue(self.fact, "the draw made sales")
        for partner_id, values in self.fact.items():
            expected = tuple(round(values[i], 2) for i in fields_)
            got = tuple(round(v or 0.0, 2) for v in figures.get(partner_id, (0.0,) * len(fields_)))
            self.assertEqual(got, expected, f"{label}, partner {partner_id}")

    def test_every_model_agrees_with_the_fact(self):
        measures = self.env["crm.customer.measure"].search([("partner_id", "in", self.customers.ids)])
        self._assert_figures("measures (lifetime)", {m.partner_id.id: (m.revenue_total, m.margin_total)
                                                    for m in measures})
        self._assert_figures("measures (12 months)", {m.partner_id.id: (m.revenue_12m, m.margin_12m)
                                                     for m in measures})
        pnl = defaultdict(lambda: [0.0, 0.0])
        for row in self.env["crm.customer.pnl"].search([("partner_id", "in", self.customers.ids)]):
            pnl[row.partner_id.id][0] += row.net_revenue
            pnl[row.partner_id.id][1] += row.net_revenue - row.product_cost
        self._assert_figures("customer P&L", pnl)
        metrics = self.env["crm.customer.metrics"].search([("partner_id", "in", self.customers.ids)])
        self._assert_figures("analytics", {m.partner_id.id: (m.revenue_total, m.margin_total) for m in metrics})

    def test_pnl_net_revenue_is_the_ledger(self):
        ledger = self._per_customer(SQL(
            """SELECT am.commercial_partner_id, -SUM(aml.balance) FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
                  AND aml.display_type = 'product' AND am.commercial_partner_id IN %s
             GROUP BY am.commercial_partner_id""", tuple(self.customers.ids)), self.env)
        pnl = defaultdict(float)
        for row in self.env["crm.customer.pnl"].search([("partner_id", "in", self.customers.ids)]):
            pnl[row.partner_id.id] += row.net_revenue
        self.assertTrue(ledger)
        for partner_id, (amount,) in ledger.items():
            self.assertEqual(round(pnl[partner_id], 2), round(float(amount), 2), f"partner {partner_id}")

    def test_margin_below_revenue_where_costs_are_positive(self):
        checked = 0
        for partner_id, (revenue, margin, cost) in self.fact.items():
            if cost >= 0:
                checked += 1
                self.assertLessEqual(round(margin, 2), round(revenue, 2), f"partner {partner_id}")
        self.assertGreater(checked, CUSTOMERS // 2)

    def test_channels_with_revenue_have_orders(self):
        start = self.today - timedelta(days=330)
        rows = self.env["crm.channel.evaluation"]._evaluate_period(start, self.today, self.company)
        by_channel = dict(self.env.execute_query(SQL(
            "SELECT channel_id, SUM(revenue) FROM crm_sales_fact WHERE channel_id IN %s AND invoice_date >= %s "
            "GROUP BY channel_id", tuple(self.channels.ids), start)))
        for channel in self.channels:
            row = rows.filtered(lambda r, c=channel: r.channel_id == c)
            self.assertAlmostEqual(row.revenue, by_channel.get(channel.id, 0.0), places=2)
            if row.revenue > 0:
                self.assertGreaterEqual(row.order_count, 1, channel.name)
            invoices = self.env["account.move"].search([
                ("channel_id", "=", channel.id), ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                ("invoice_date", ">=", start)])
            from_orders = invoices.filtered(lambda m: m.line_ids.sale_line_ids)
            # an invoice without order counts as one; each of the six invoices of two orders counts two
            self.assertEqual(row.order_count, len(invoices - from_orders) + 2 * len(from_orders), channel.name)

    def test_scorecard_sums_the_fact(self):
        """Each channel's revenue, margin, customers and customer-months on the scorecard are the sales fact's
        of the period, however the scorecard's statement groups the lines on its way to them."""
        start = self.today - timedelta(days=330)
        self.channels.write({"cost_model": "per_contact", "cost_rate": 1.0})  # the channel cost counts customer-months
        rows = self.env["crm.channel.evaluation"]._evaluate_period(start, self.today, self.company)
        fact = {row[0]: row[1:] for row in self.env.execute_query(SQL(
            """SELECT channel_id, SUM(revenue), SUM(margin), COUNT(DISTINCT partner_id),
                      COUNT(DISTINCT (partner_id, month))
                 FROM crm_sales_fact
                WHERE company_id = %s AND invoice_date BETWEEN %s AND %s AND channel_id IN %s
             GROUP BY channel_id""", self.company.id, start, self.today, tuple(self.channels.ids)))}
        self.assertEqual(set(fact), set(self.channels.ids), "the draw sold through every channel")
        for channel in self.channels:
            row = rows.filtered(lambda r, c=channel: r.channel_id == c)
            revenue, margin, customers, customer_months = fact[channel.id]
            self.assertAlmostEqual(row.revenue, revenue, places=2, msg=channel.name)
            self.assertAlmostEqual(row.margin, margin, places=2, msg=channel.name)
            self.assertEqual(row.customer_count, customers, channel.name)
            self.assertAlmostEqual(row.channel_cost, customer_months, places=2, msg=channel.name)

    def test_segment_pnl_is_the_sum_of_its_members(self):
        members = self.segment.member_ids.filtered("active").partner_id
        self.assertEqual(members, self.customers[::2])
        since, _until = self.segment._pnl_period()
        Pnl = self.env["crm.customer.pnl"]
        [(tab_net, tab_profit)] = Pnl._read_group(
            self.segment.action_view_pnl()["domain"], [], ["net_revenue:sum", "profit:sum"])
        rows = Pnl.search([("partner_id", "in", members.ids), ("month", ">=", since)])
        self.assertAlmostEqual(tab_net, sum(rows.mapped("net_revenue")), places=2)
        self.assertAlmostEqual(tab_profit, sum(rows.mapped("profit")), places=2)
        fact = sum(self.fact.get(p.id, (0.0,))[0] for p in members)
        self.assertAlmostEqual(tab_net, fact, places=2)
        self.assertIn(str(since.year), self.segment._pnl_period_label())

    def test_whale_curve_follows_the_rank(self):
        """The graph groups by rank: the groups come in numeric order (1, 2, …, 10, 11, not 1, 10, 11, 2) and the
        cumulative profit climbs while the customers make money, then falls back."""
        action = self.env.ref("crm_strategy.crm_customer_profitability_action_whale")
        arch = self.env["crm.customer.profitability"].get_view(action.view_id.id, "graph")["arch"]
        self.assertIn('name="profit_rank"', arch)
        groups = self.env["crm.customer.profitability"].formatted_read_group(
            [("company_id", "=", self.company.id)], ["profit_rank"], ["cumulative_profit:max", "profit:sum"])
        ranks = [group["profit_rank"] for group in groups]
        self.assertGreater(len(ranks), 10)
        self.assertEqual(ranks, sorted(ranks))
        curve = [group["cumulative_profit:max"] for group in groups]
        profits = [group["profit:sum"] for group in groups]
        for before, after, profit in zip(curve, curve[1:], profits[1:], strict=False):
            self.assertAlmostEqual(after - before, profit, places=2)
