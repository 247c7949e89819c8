from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from ..common import CrmStrategyCase


class TestCrmSegmentPlaybook(CrmStrategyCase):
    """Two segments: "Both" (Big and Small, priority 10) and "Big only" (priority 20, Big's primary)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Segment = cls.env["crm.segment"]
        cls.both = Segment.create({
            "name": "Both", "code": "BOTH", "priority": 10,
            "rule_domain": f"[('id', 'in', {[cls.customer_big.id, cls.customer_small.id]})]"})
        cls.big_only = Segment.create({
            "name": "Big only", "code": "BIGO", "priority": 20, "rule_domain": f"[('id', '=', {cls.customer_big.id})]"})
        (cls.both | cls.big_only).action_refresh_members()
        cls.old_list = cls.env["product.pricelist"].create({"name": "Old prices", "company_id": cls.company.id})
        cls.new_list = cls.env["product.pricelist"].create({"name": "Playbook prices", "company_id": cls.company.id})
        cls.customers = cls.customer_big | cls.customer_small
        cls.customers.with_company(cls.company).specific_property_product_pricelist = cls.old_list
        cls.seller = new_test_user(cls.env, "pb_seller", groups="sales_team.group_sale_salesman",
                                   company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.team = cls.env["crm.team"].create({"name": "Key account team", "company_id": cls.company.id})
        cls.channel = cls.env["crm.channel"].create({
            "name": "Web", "channel_type": "ecommerce", "rule_type": "origin", "origin_pattern": "WEB"})
        cls.term = cls.env["account.payment.term"].create({"name": "45 days playbook"})

    def _playbook(self, segment=None, **levers):
        return self.env["crm.segment.playbook"].create({
            "name": "Test playbook", "segment_id": (segment or self.both).id, **levers})

    def _preview(self, playbook):
        action = playbook.with_user(self.manager).action_preview()
        return self.env["crm.playbook.apply.wizard"].with_user(self.manager).browse(action["res_id"])

    def test_each_field_lever_preview_apply_log_undo(self):
        basic = "Basic: self-service, grouped deliveries"
        levers = [
            ("pricelist", {"pricelist_id": self.new_list.id}, "specific_property_product_pricelist", self.new_list,
             "Playbook prices (USD)"),
            ("payment_term", {"payment_term_id": self.term.id}, "property_payment_term_id", self.term,
             "45 days playbook"),
            ("service_level", {"service_level": "basic"}, "crm_service_level", "basic", basic),
            ("salesperson", {"user_id": self.seller.id}, "user_id", self.seller, self.seller.name),
            ("sales_team", {"team_id": self.team.id}, "crm_team_id", self.team, "Key account team"),
            ("channel", {"channel_id": self.channel.id}, "crm_channel_id", self.channel, "Web"),
        ]
        for lever, vals, field, value, shown in levers:
            with self.subTest(lever=lever):
                partners = self.customers.with_company(self.company)
                before = {partner: partner[field] for partner in partners}
                playbook = self._playbook(**vals)
                wizard = self._preview(playbook)
                self.assertEqual(wizard.line_ids.partner_id, self.customers, "the preview lists both members")
                self.assertEqual(set(wizard.line_ids.mapped("lever")), {lever})
                self.assertEqual(set(wizard.line_ids.mapped("new_display")), {shown}, "from what to what")
                self.assertEqual([p[field] for p in partners], [before[p] for p in partners], "preview writes nothing")
                action = wizard.action_apply()
                log = self.env["crm.playbook.log"].browse(action["res_id"])
                self.env.invalidate_all()
                self.assertTrue(all(partner[field] == value for partner in partners), "applied")
                self.assertEqual(log.change_count, 2)
                self.assertEqual(log.user_id, self.manager)
                line = log.line_ids.filtered(lambda line: line.partner_id == self.customer_small)
                self.assertEqual((line.field_name, line.state), (field, "applied"))
                old = before[partners[1]]
                shown_before = (old.display_name or "") if hasattr(old, "display_name") else ""
                self.assertEqual(line.old_display or "", shown_before)
                log.with_user(self.manager).action_undo()
                self.env.invalidate_all()
                self.assertEqual([partner[field] for partner in partners], [before[p] for p in partners], "undone")
                self.assertTrue(log.undone)
                self.assertEqual(set(log.line_ids.mapped("state")), {"undone"})
                with self.assertRaises(UserError):
                    log.with_user(self.manager).action_undo()

    def test_undo_keeps_values_changed_since(self):
        playbook = self._playbook(pricelist_id=self.new_list.id)
        log = playbook._apply()
        other = self.env["product.pricelist"].create({"name": "Set by hand", "company_id": self.company.id})
        self.customer_small.with_company(self.company).specific_property_product_pricelist = other
        log.with_user(self.manager).action_undo()
        self.env.invalidate_all()
        self.assertEqual(self.customer_big.with_company(self.company).specific_property_product_pricelist,
                         self.old_list)
        self.assertEqual(self.customer_small.with_company(self.company).specific_property_product_pricelist, other,
                         "a value changed since the playbook is kept")
        kept = log.line_ids.filtered(lambda line: line.partner_id == self.customer_small)
        self.assertEqual(kept.state, "kept")
        self.assertIn("Set by hand", kept.note)
        self.assertIn("1 restored, 1 kept", log.undo_note)

    def test_writes_grouped_by_value_and_log_lines_in_one_create(self):
        playbook = self._playbook(pricelist_id=self.new_list.id, service_level="premium", team_id=self.team.id)
        Partner = type(self.env["res.partner"])
        calls = []
        original = Partner.write

        def counting_write(records, vals):
            calls.append((tuple(sorted(vals)), len(records)))
            return original(records, vals)

        with patch.object(Partner, "write", counting_write):
            playbook._apply()
        for name in ("crm_service_level", "specific_property_product_pricelist", "crm_team_id"):
            self.assertEqual(calls.count(((name,), 2)), 1, f"{name}: one write for both customers")

    def test_activity_plan_schedules_recurring_reviews(self):
        plan = self.env["mail.activity.plan"].create({
            "name": "Quarterly review", "res_model": "res.partner", "template_ids": [
                Command.create({"activity_type_id": self.env.ref("mail.mail_activity_data_meeting").id,
                                "summary": f"Review {quarter}", "delay_count": 3 * quarter, "delay_unit": "months",
                                "delay_from": "after_plan_date", "responsible_type": "on_demand"})
                for quarter in (1, 2)]})
        self.customer_big.user_id = self.seller
        playbook = self._playbook(activity_plan_id=plan.id)
        wizard = self._preview(playbook)
        self.assertEqual(len(wizard.line_ids), 2, "one line per member")
        log = playbook._apply()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.customers.ids)])
        self.assertEqual(len(activities), 4, "two reviews for each member")
        big = activities.filtered(lambda a: a.res_id == self.customer_big.id).sorted("date_deadline")
        self.assertEqual(big.mapped("summary"), ["Review 1", "Review 2"])
        self.assertEqual(big.user_id, self.seller, "the customer's salesperson holds the reviews")
        self.assertEqual(big[1].date_deadline, self.today + relativedelta(months=6))
        self.assertEqual(set(log.line_ids.mapped("res_model")), {"mail.activity"})
        self.assertFalse(playbook._plan(), "members with open reviews of the playbook get no second series")
        activities.filtered(lambda a: a.res_id == self.customer_small.id)[:1].action_done()
        log.with_user(self.manager).action_undo()
        self.assertFalse(activities.exists().filtered("active"), "undo removes the open reviews")
        self.assertEqual(log.line_ids.mapped("state").count("kept"), 1, "the review done since is kept")

    def test_conflict_follows_primary_segment(self):
        self._playbook(segment=self.big_only, service_level="premium")
        playbook = self._playbook(service_level="basic", pricelist_id=self.new_list.id)
        changes = playbook._plan()
        service = {c["partner_id"]: c for c in changes if c["lever"] == "service_level"}
        self.assertEqual(service[self.customer_small.id]["state"], "applied")
        self.assertEqual(service[self.customer_big.id]["state"], "skipped")
        self.assertIn("Big only", service[self.customer_big.id]["note"])
        pricelist = {c["partner_id"]: c["state"] for c in changes if c["lever"] == "pricelist"}
        self.assertEqual(pricelist, dict.fromkeys(self.customers.ids, "applied"),
                         "levers the primary segment leaves alone still apply")
        log = playbook._apply()
        self.assertEqual(self.customer_big.crm_service_level, False)
        self.assertEqual(self.customer_small.crm_service_level, "basic")
        self.assertEqual(log.skipped_count, 1)

    def test_newcomers_and_leavers_at_refresh(self):
        playbook = self._playbook(service_level="premium", auto_apply=True)
        playbook._apply()
        self.assertEqual(self.customers.mapped("crm_service_level"), ["premium", "premium"])
        # Small leaves, "Never bought" joins: the refresh applies and reverts on its own
        self.both.rule_domain = f"[('id', 'in', {[self.customer_big.id, self.customer_none.id]})]"
        self.both.with_user(self.manager).action_refresh_members()
        self.env.invalidate_all()
        self.assertEqual(self.customer_none.crm_service_level, "premium", "the newcomer gets the playbook")
        self.assertFalse(self.customer_small.crm_service_level, "the leaver gets its old value back")
        self.assertEqual(self.customer_big.crm_service_level, "premium")
        refresh_log = playbook.log_ids.filtered(lambda log: log.trigger == "refresh")
        self.assertEqual(refresh_log.line_ids.partner_id, self.customer_none, "only the newcomer is in it")
        left = self.env["crm.playbook.log.line"].search(
            [("playbook_id", "=", playbook.id), ("partner_id", "=", self.customer_small.id)])
        self.assertEqual((left.state, left.note), ("undone", "Left the segment."))
        # a second refresh changes nothing
        self.both.action_refresh_members()
        self.assertEqual(len(playbook.log_ids), 2)

    def test_rights(self):
        playbook = self._playbook(pricelist_id=self.new_list.id)
        log = playbook._apply()
        portal = new_test_user(self.env, "pb_portal", groups="base.group_portal")
        for user in (self.strategy_user, self.seller, portal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    playbook.with_user(user).action_preview()
                with self.assertRaises(AccessError):
                    log.with_user(user).action_undo()
        # the strategy user reads the playbooks and their log
        self.assertEqual(playbook.with_user(self.strategy_user).log_ids, log)
        self.assertTrue(log.with_user(self.strategy_user).line_ids)
        with self.assertRaises(AccessError):
            playbook.with_user(self.strategy_user).write({"service_level": "basic"})

    def test_empty_playbook_and_nothing_to_change(self):
        with self.assertRaises(UserError):
            self._playbook().with_user(self.manager).action_preview()
        playbook = self._playbook(pricelist_id=self.old_list.id)
        wizard = self._preview(playbook)
        self.assertFalse(wizard.change_count, "everyone already has the value")
        with self.assertRaises(UserError):
            wizard.action_apply()

    def test_serving_channel_and_team_reach_new_orders(self):
        self._playbook(team_id=self.team.id, channel_id=self.channel.id)._apply()
        order = self.env["sale.order"].create({
            "partner_id": self.customer_small.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})]})
        self.assertEqual(order.team_id, self.team, "the account team takes the new quotation")
        order.action_confirm()
        self.assertEqual(order.channel_id, self.channel, "the confirmed order goes through the serving channel")
