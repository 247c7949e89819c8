from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from ...tools import pg
from ..common import CrmChannelCase

KEYS = "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint " \
       "WHERE conrelid = 'crm_channel_assignment'::regclass AND contype = 'f' ORDER BY 1"


class TestCrmChannel(CrmChannelCase):
    """Recognition rules in priority order, by the ORM and in bulk SQL, and overrides that stick."""

    def _reset_and_assign(self):
        """Forget every computed channel in SQL, then assign them again in bulk."""
        self._forget_channels()
        self.env["crm.channel"]._assign_channels(self.company)

    def test_rules_in_priority_order(self):
        self.assertEqual(self.o1.channel_id, self.web, "origin WEB (priority 10) beats the team (20)")
        self.assertEqual(self.o2.channel_id, self.field)
        self.assertEqual(self.o3.channel_id, self.field)
        self.assertEqual(self.o1.invoice_ids.channel_id, self.web, "an invoice follows its order")
        self.assertEqual(self.i4.channel_id, self.phone_channel, "an invoice without order uses the rules")
        draft = self.env["sale.order"].create({"partner_id": self.customer_big.id, "team_id": self.team.id})
        self.assertFalse(draft.channel_id, "only confirmed orders carry a channel")

    def test_bulk_assignment_matches_the_orm(self):
        self._reset_and_assign()
        self.assertEqual(self.o1.channel_id, self.web)
        self.assertEqual((self.o2 | self.o3).channel_id, self.field)
        self.assertEqual(self.o1.invoice_ids.channel_id, self.web)
        self.assertEqual((self.o2 | self.o3).invoice_ids.channel_id, self.field)
        self.assertEqual(self.i4.channel_id, self.phone_channel)

    def test_bulk_load_checks_the_keys_once_and_keeps_them(self):
        """Above the bulk size, the foreign keys are dropped for the insert and added back (checking every row
        at once): same channels, same keys, still enforced."""
        cr = self.env.cr
        cr.execute(KEYS)
        keys = cr.fetchall()
        self.assertEqual(len(keys), 4, "company, order, invoice, channel")
        with patch.object(pg, "BULK_LOAD_ROWS", 1):
            self._reset_and_assign()
        self.assertEqual(self.o1.channel_id, self.web)
        self.assertEqual((self.o2 | self.o3).invoice_ids.channel_id, self.field)
        self.assertEqual(self.i4.channel_id, self.phone_channel)
        cr.execute(KEYS)
        self.assertEqual(cr.fetchall(), keys, "the keys are back, as they were")
        with self.assertRaises(psycopg2.errors.ForeignKeyViolation), mute_logger("odoo.sql_db"), cr.savepoint():
            cr.execute("INSERT INTO crm_channel_assignment (company_id, move_id, override) VALUES (%s, -1, FALSE)",
                       [self.company.id])

    def test_rule_changes_schedule_the_bulk_assignment(self):
        cron = self.env.ref("crm_strategy.ir_cron_assign_channels")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        self.web.sequence = 40  # now after the team rule
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.web.description = "no rule changed"
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.env["crm.channel"]._assign_channels(self.company)
        self.assertEqual(self.o1.channel_id, self.field)
        self.assertEqual(self.o1.invoice_ids.channel_id, self.field)
        self.web.sequence = 10
        self.web.action_assign_channels()
        self.assertEqual(self.o1.channel_id, self.web)
        action = self.field.action_view_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), self.o2 | self.o3)

    def test_domain_rule_orders_only(self):
        big = self.env["crm.channel"].create({
            "name": "Third's own", "channel_type": "distributor", "sequence": 1, "rule_type": "domain",
            "rule_domain": f"[('partner_id', '=', {self.customer_third.id})]", "cost_model": "per_order"})
        order = self._channel_order(self.customer_third, 1, team_id=self.team.id)
        self.assertEqual(order.channel_id, big)
        self.assertEqual(self.i4.channel_id, self.phone_channel, "a domain on orders never reads an invoice")
        self._reset_and_assign()
        self.assertEqual(order.channel_id, big)
        self.assertEqual(self.i4.channel_id, self.phone_channel)

    def test_override_by_a_manager_sticks(self):
        manager = new_test_user(
            self.env, "chan_manager", company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
            groups="crm_strategy.group_crm_strategy_manager,sales_team.group_sale_manager,account.group_account_invoice")
        self.o2.with_user(manager).channel_id = self.phone_channel
        self.assertTrue(self.o2.channel_override)
        self._reset_and_assign()
        self.assertEqual(self.o2.channel_id, self.phone_channel, "the bulk assignment keeps a hand-set channel")
        self.env.invalidate_all()
        self.assertEqual(self.o2.invoice_ids.channel_id, self.phone_channel, "its invoice follows it")
        self.web.sequence = 11
        self.env["crm.channel"]._assign_channels(self.company)
        self.assertEqual(self.o2.channel_id, self.phone_channel)
        self.o2.channel_override = False
        self.assertEqual(self.o2.channel_id, self.field, "back to the rules")
        self.i4.with_user(manager).channel_id = self.web
        self._reset_and_assign()
        self.assertEqual(self.i4.channel_id, self.web)
        self.o3.with_user(manager).channel_override = True  # ticked alone, as on the form
        self.assertEqual((self.o3.channel_id, self.o3.channel_override), (self.field, True), "kept as it was")
        self.web.sequence = 12
        self.env["crm.channel"]._assign_channels(self.company)
        self.assertEqual(self.o3.channel_id, self.field)

    def test_assignment_writes_only_what_changes_and_filters_read_it(self):
        Channel, Order = self.env["crm.channel"], self.env["sale.order"]
        self._forget_channels()
        self.assertEqual(Channel._assign_channels(self.company), (3, 4), "every confirmed order and invoice")
        self.assertEqual(Channel._assign_channels(self.company), (0, 0), "nothing changes, nothing is written")
        row = self.env["crm.channel.assignment"].search([("order_id", "=", self.o1.id)])
        self.assertEqual((row.channel_id, row.override, row.company_id), (self.web, False, self.company))
        draft = Order.create({"partner_id": self.customer_big.id, "team_id": self.team.id})
        self.assertEqual(Order.search([("channel_id", "=", self.web.id)]), self.o1, "read from the assignments")
        self.assertEqual(Order.search([("channel_id.name", "=", "Web"), ("company_id", "=", self.company.id)]), self.o1)
        self.assertIn(draft, Order.search([("channel_id", "=", False)]))
        self.assertNotIn(self.o1, Order.search([("channel_id", "=", False)]))
        self.assertEqual(Order.search([("channel_id", "!=", False), ("id", "in", (self.o1 | draft).ids)]), self.o1)
        draft.action_confirm()
        self.assertEqual(draft.channel_id, self.field, "confirmed: the team rule recognises it at once")
        draft._action_cancel()
        self.assertFalse(draft.channel_id, "cancelled: no channel")

    def test_serving_channel_of_the_customer(self):
        self.customer_small.sudo().crm_channel_id = self.phone_channel
        order = self._channel_order(self.customer_small, 1, team_id=self.team.id)
        self.assertEqual(order.channel_id, self.phone_channel, "the customer's serving channel before the rules")
        self._reset_and_assign()
        self.assertEqual(order.channel_id, self.phone_channel, "the bulk assignment agrees")

    def test_playbook_serving_channel_moves_no_past_sale(self):
        """A segment playbook's serving channel reaches the orders dated from its application on: the
        customer's past order, its invoice and the figures per channel stay where they were, through the bulk
        reassignment and the undo."""
        self.o2.date_order = self.moment - timedelta(days=40)  # Small's past order, through Field
        Channel, Evaluation = self.env["crm.channel"], self.env["crm.channel.evaluation"]
        period = (self.month_start - timedelta(days=62), self.today)

        def figures():
            return {e.channel_id.name: (e.revenue, e.margin, e.customer_count, e.order_count)
                    for e in Evaluation._evaluate_period(*period, companies=self.company)}

        before = figures()
        self.assertEqual(before["Field"][0], 660.0)
        segment = self.env["crm.segment"].create({
            "name": "Small only", "code": "SMO", "rule_domain": f"[('id', '=', {self.customer_small.id})]"})
        segment.action_refresh_members()
        log = self.env["crm.segment.playbook"].create({
            "name": "Small by phone", "segment_id": segment.id, "channel_id": self.phone_channel.id})._apply()
        self.assertTrue(self.customer_small.crm_channel_since, "applied at a known moment")
        Channel._assign_channels(self.company)
        self.assertEqual(self.o2.channel_id, self.field, "the past order keeps its channel")
        self.assertEqual(self.o2.invoice_ids.channel_id, self.field, "and so does its invoice")
        self.assertEqual(figures(), before, "past figures per channel do not move")
        new = self._channel_order(self.customer_small, 1, team_id=self.team.id)
        new.date_order = fields.Datetime.now()
        Channel._assign_channels(self.company)
        self.assertEqual(new.channel_id, self.phone_channel, "a new order goes through the serving channel")
        log.with_user(self.manager).action_undo()
        self.assertFalse(self.customer_small.crm_channel_since)
        Channel._assign_channels(self.company)
        self.assertEqual((self.o2 | new).channel_id, self.field, "undone: the rules decide again")

    def test_override_needs_rights(self):
        salesman = new_test_user(self.env, "chan_salesman", groups="sales_team.group_sale_salesman_all_leads",
                                 company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        with self.assertRaises(AccessError):
            self.o2.with_user(salesman).write({"channel_id": self.web.id})
        with self.assertRaises(AccessError):
            self.o2.with_user(salesman).write({"channel_override": True})
        self.o2.with_user(salesman).write({"note": "still editable"})
        self.assertEqual(self.o2.channel_id, self.field)

    def test_acquisition_channel(self):
        self.assertEqual(self.customer_big.crm_acquisition_channel_id, self.web)
        self.assertEqual(self.contact.crm_acquisition_channel_id, self.web, "a contact shows its company's")
        self.assertEqual(self.customer_small.crm_acquisition_channel_id, self.field)
        self.assertFalse(self.customer_third.crm_acquisition_channel_id, "no order, no acquisition")
        Partner = self.env["res.partner"]
        self.assertEqual(Partner.search([("crm_acquisition_channel_id", "=", self.web.id),
                                         ("is_company", "=", True)]), self.customer_big)

    def test_bad_input_refused(self):
        Channel = self.env["crm.channel"]
        base = {"name": "Bad", "rule_type": "origin", "origin_pattern": "X"}
        with self.assertRaises(ValidationError):
            Channel.create({**base, "cost_model": "fixed", "cost_rate": -5})
        with self.assertRaises(ValidationError):
            Channel.create({**base, "cost_model": "revenue_pct", "cost_rate": 120})
        with self.assertRaises(ValidationError):
            Channel.create({"name": "No team", "rule_type": "team"})
        with self.assertRaises(ValidationError):
            Channel.create({"name": "Bad domain", "rule_type": "domain", "rule_domain": "[('no_such_field', '=', 1)]"})
        with self.assertRaises(ValidationError):
            Channel.create({"name": "Not a domain", "rule_type": "domain", "rule_domain": "[('state', '=', "})
        with self.assertRaises(ValidationError):
            self.env["crm.channel.criterion"].create({"name": "Neg", "measure": "profit", "weight": -1})

    def test_pnl_channel_costs(self):
        Pnl = self.env["crm.customer.pnl"]
        Pnl._refresh_pnl(self.company)
        rows = {row.partner_id: row for row in Pnl.search([("company_id", "=", self.company.id),
                                                           ("month", "=", self.month_start)])}
        # Web 10% of 1000; Field's 100 a month spread over 500 (Small) and 160 (Big); Phone 30 a customer-month
        self.assertAlmostEqual(rows[self.customer_big].channel_cost, 100 + 100 * 160 / 660, places=2)
        self.assertAlmostEqual(rows[self.customer_small].channel_cost, 100 * 500 / 660, places=2)
        self.assertAlmostEqual(rows[self.customer_third].channel_cost, 30.0)
        self.assertFalse(rows[self.customer_big].channel_cost_missing)

    def test_access_rights(self):
        Channel = self.env["crm.channel"]
        self.assertEqual(Channel.with_user(self.strategy_user).search([]), self.web | self.field | self.phone_channel)
        with self.assertRaises(AccessError):
            Channel.with_user(self.strategy_user).create({"name": "X", "rule_type": "origin", "origin_pattern": "X"})
        with self.assertRaises(AccessError):
            self.web.with_user(self.strategy_user).cost_rate = 1
        other = self.setup_other_company(name="Other channel Co")["company"]
        foreign = Channel.sudo().create({"name": "Foreign", "rule_type": "origin", "origin_pattern": "F",
                                         "company_id": other.id})
        self.assertNotIn(foreign, Channel.with_user(self.manager).search([]))
        created = Channel.with_user(self.manager).create({"name": "Mine", "rule_type": "origin",
                                                          "origin_pattern": "MINE"})
        self.assertEqual(created.company_id, self.company)
