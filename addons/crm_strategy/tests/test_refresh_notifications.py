
from .common import CrmChannelCase


class TestRefreshNotifications(CrmChannelCase):
    """Every refresh button answers with a notification that says what it did and how much, then reloads the
    screen the user pressed it on."""

    def _assert_notification(self, action, title, *parts, reload=True):
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["title"], title)
        for part in parts:
            self.assertIn(part, params["message"])
        self.assertIn(str(self.today.year), params["message"], "the time of the refresh shows its year")
        if reload:
            self.assertEqual(params["next"], {"type": "ir.actions.client", "tag": "soft_reload"})
        else:
            self.assertNotIn("next", params)
        return params

    def test_segment_refresh_counts_newcomers_and_leavers(self):
        segment = self.segment_two.with_user(self.manager)
        segment.rule_domain = f"[('id', 'in', {[self.customer_big.id, self.customer_third.id]})]"
        action = segment.action_refresh_members()
        self._assert_notification(action, "Members refreshed", "Big and small: 2 members", "(1 joined, 1 left)")
        self.env.invalidate_all()
        self.assertEqual(self.segment_two.partner_ids, self.customer_big | self.customer_third)
        action = (self.segment_two | self.segment_third).with_user(self.manager).action_refresh_members()
        self._assert_notification(action, "Members refreshed", "2 segments: 3 members", "(0 joined, 0 left)")

    def test_segment_owner_refresh_is_notified(self):
        """A strategy user refreshes a segment they own (the rights check is unchanged) and is told the result."""
        self.segment_third.owner_id = self.strategy_user
        action = self.segment_third.with_user(self.strategy_user).action_refresh_members()
        self._assert_notification(action, "Members refreshed", "Third: 1 members")

    def test_measures_refresh(self):
        Measure = self.env["crm.customer.measure"].with_user(self.manager)
        action = Measure.action_refresh()
        count = self.env["crm.customer.measure"].search_count([("company_id", "=", self.company.id)])
        self.assertGreaterEqual(count, 3, "the three invoiced customers at least")
        self._assert_notification(action, "Customer measures refreshed", f"{count} customers of {self.company.name}")

    def test_pnl_refresh(self):
        action = self.env["crm.customer.pnl"].with_user(self.manager).action_refresh()
        Pnl = self.env["crm.customer.pnl"]
        rows = Pnl.search_count([("company_id", "=", self.company.id)])
        customers = len(Pnl.search([("company_id", "=", self.company.id)]).partner_id)
        self.assertTrue(rows)
        self._assert_notification(action, "Customer P&L rebuilt", f"{rows} customer-months of {customers} customers",
                                  self.company.name)

    def test_channel_evaluation(self):
        action = self.env["crm.channel.evaluation"].with_user(self.manager).action_evaluate()
        self._assert_notification(action, "Channels evaluated", "3 channels scored")

    def test_channel_assignment_counts_the_changes(self):
        self._forget_channels()
        action = self.web.with_user(self.manager).action_assign_channels()
        self._assert_notification(action, "Channels assigned", "3 orders and 4 invoices changed channel")
        self.assertEqual(self.o1.channel_id, self.web)
        action = self.web.with_user(self.manager).action_assign_channels()
        self._assert_notification(action, "Channels assigned", "0 orders and 0 invoices changed channel")
