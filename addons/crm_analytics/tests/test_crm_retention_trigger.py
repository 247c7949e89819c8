from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import HandCheckedCase

PREVIOUS = "crm_retention_previous_test"


@tagged("post_install", "-at_install")
class TestRetentionTrigger(HandCheckedCase):
    """Alice and Bob of the hand-checked scenario, their figures before and after a refresh set by hand so that
    each crossing is known: Alice's P(alive) falls from 60 % to 20 % (threshold 30 %), Bob moves from Loyal to
    At Risk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, "ret_salesman", groups="sales_team.group_sale_salesman",
                                     company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.alice.user_id = cls.salesman
        ICP = cls.env["ir.config_parameter"]
        ICP.set_param("crm_analytics.retention_threshold", "30")
        ICP.set_param("crm_analytics.retention_user_id", str(cls.manager.id))  # Bob has no salesperson
        cls.Metrics._refresh(cls.company)
        cls.Trigger = cls.env["crm.retention.trigger"]

    def _set_figures(self, figures):
        """Write {partner: (rfm segment, P(alive))} into the company's metrics rows, as a refresh would."""
        self.env.flush_all()
        for partner, (segment, p_alive) in figures.items():
            self.env.cr.execute(SQL(
                "UPDATE crm_customer_metrics SET rfm_segment = %s, p_alive = %s WHERE partner_id = %s "
                "AND company_id = %s", segment, p_alive, partner.id, self.company.id))
        self.env.invalidate_all()

    def _detect(self, previous):
        """Detection against the figures ``previous`` ({partner: (rfm segment, P(alive))}) before the refresh."""
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(PREVIOUS)))
        self.env.cr.execute(SQL("CREATE TEMP TABLE %s (partner_id int, rfm_segment varchar, p_alive float8)",
                                SQL.identifier(PREVIOUS)))
        for partner, (segment, p_alive) in previous.items():
            self.env.cr.execute(SQL("INSERT INTO %s VALUES (%s, %s, %s)", SQL.identifier(PREVIOUS), partner.id,
                                    segment, p_alive))
        return self.Trigger._detect(self.company, PREVIOUS)

    def _crossing(self):
        self._set_figures({self.alice: ("champions", 0.2), self.bob: ("at_risk", 0.9)})
        return self._detect({self.alice: ("champions", 0.6), self.bob: ("loyal", 0.95)})

    def test_triggers_and_activities(self):
        triggers = self._crossing()
        by_partner = {t.partner_id: t for t in triggers}
        self.assertEqual(set(by_partner), {self.alice, self.bob})
        alice, bob = by_partner[self.alice], by_partner[self.bob]
        self.assertEqual((alice.reason, bob.reason), ("p_alive", "rfm"))
        self.assertEqual(alice.user_id, self.salesman, "the customer's salesperson")
        self.assertEqual(bob.user_id, self.manager, "the owner of the settings when there is no salesperson")
        self.assertEqual((alice.previous_p_alive, alice.p_alive, alice.threshold), (0.6, 0.2, 0.3))
        self.assertEqual((bob.previous_rfm_segment, bob.rfm_segment), ("loyal", "at_risk"))
        self.assertEqual(alice.trigger_date, self.today)
        activity = alice.activity_id
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.res_id, self.alice.id)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.activity_type_id, self.env.ref("crm_analytics.mail_activity_type_retention"))
        self.assertIn("P(alive) 60 % → 20 % (threshold 30 %)", activity.note)
        self.assertIn("1 / (1 + a / (b + x - 1)", activity.note, "the words of Why these figures")
        self.assertIn("RFM segment Loyal Customers → At Risk", bob.activity_id.note)
        # no second activity while the first is open
        self.assertFalse(self._detect({self.alice: ("champions", 0.6), self.bob: ("loyal", 0.95)}))
        self.assertEqual(self.env["mail.activity"].search_count(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.alice.id),
             ("activity_type_id", "=", activity.activity_type_id.id)]), 1)

    def test_no_trigger_without_crossing(self):
        self._set_figures({self.alice: ("at_risk", 0.2), self.bob: ("cannot_lose", 0.25)})
        # already below the threshold and already in the risk groups: nothing new
        self.assertFalse(self._detect({self.alice: ("at_risk", 0.25), self.bob: ("at_risk", 0.28)}))
        # a customer without earlier figures (new, or the company's first refresh) triggers nothing
        self.assertFalse(self._detect({}))

    def test_report_contacted_and_bought_again(self):
        triggers = self._crossing()
        alice = triggers.filtered(lambda t: t.partner_id == self.alice)
        alice.activity_id.with_user(self.salesman).action_done()
        self.assertEqual(alice.contacted_date, self.today)
        self._invoice(self.bob, -1, 3)  # Bob buys again tomorrow: 3 chairs
        bob = triggers - alice
        bob.invalidate_recordset()
        self.assertEqual(bob.bought_again_date, self.today + timedelta(days=1))
        self.assertAlmostEqual(bob.bought_again_revenue, 300.0)
        self.assertFalse(alice.bought_again_date)
        Report = self.env["crm.retention.report"]
        [(_month, triggered, contacted, bought, revenue)] = Report._read_group(
            [("company_id", "=", self.company.id)], ["trigger_date:month"],
            ["triggered_count:sum", "contacted_count:sum", "bought_again_count:sum", "revenue_since:sum"])
        self.assertEqual((triggered, contacted, bought), (2, 1, 1))
        self.assertAlmostEqual(revenue, 300.0)
        # Alice's activity is done: a new crossing gives her a new trigger and activity
        again = self._detect({self.alice: ("champions", 0.6)})
        self.assertEqual(again.partner_id, self.alice)
        self.assertTrue(again.activity_id.active)

    def test_refresh_runs_the_detection(self):
        """A real refresh: Alice's P(alive) as the model computes it, against a stored 100 % before."""
        alice_row = self.Metrics.search([("partner_id", "=", self.alice.id), ("company_id", "=", self.company.id)])
        p_alive = alice_row.p_alive
        self.assertLess(p_alive, 1.0)
        self.env["ir.config_parameter"].set_param("crm_analytics.retention_threshold", str(100 * p_alive + 0.01))
        self._set_figures({self.alice: ("champions", 1.0), self.bob: ("hibernating", 1.0)})
        self.Metrics._refresh(self.company)
        trigger = self.Trigger.search([("company_id", "=", self.company.id)])
        self.assertEqual(trigger.partner_id, self.alice)
        self.assertAlmostEqual(trigger.p_alive, p_alive, places=4)
        self.assertEqual(trigger.previous_p_alive, 1.0)
        self.assertTrue(trigger.activity_id)

    def test_access_and_settings(self):
        self._crossing()
        mine = self.Trigger.with_user(self.strategy_user).search([("company_id", "=", self.company.id)])
        self.assertEqual(len(mine), 2)
        with self.assertRaises(AccessError):
            self.Trigger.with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            self.Trigger.with_user(self.strategy_user).search([], limit=1).unlink()
        with self.assertRaisesRegex(ValidationError, "retention threshold"):
            self.env["res.config.settings"].create({"crm_analytics_retention_threshold": 150})
