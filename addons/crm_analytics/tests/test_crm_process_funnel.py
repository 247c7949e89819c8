from odoo.addons.crm_strategy.tests.common import CrmChannelCase
from odoo.exceptions import ValidationError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestCrmProcessFunnel(CrmChannelCase):
    """The journey of CrmChannelCase's customers, counted by hand:

    ====  ===========  ========  =====  =========  ====================================
    lead  type         customer  rule   channel    outcome
    ====  ===========  ========  =====  =========  ====================================
    L1    lead         Big       team   Field
    L2    lead         -         phone  Phone
    L3    opportunity  Big       team   Field      won
    L4    opportunity  Small     team   Field      won
    L5    opportunity  Third     phone  Phone      lost
    ====  ===========  ========  =====  =========  ====================================

    Orders: o1 Big's first (Web), o2 Small's first (Field), o3 Big's repeat (Field). Friend was referred by
    Big (Big's first channel: Web). Segments: Big and Small in BS, Third in TH.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lead = cls.env["crm.lead"].with_context(mail_create_nolog=True)

        def lead(name, kind, partner=None, **vals):
            return Lead.create({"name": name, "type": kind, "partner_id": partner and partner.id,
                                "company_id": cls.company.id, "user_id": False, "team_id": False, **vals})

        cls.l1 = lead("L1", "lead", cls.customer_big, team_id=cls.team.id)
        cls.l2 = lead("L2", "lead", medium_id=cls.phone.id)
        cls.l3 = lead("L3", "opportunity", cls.customer_big, team_id=cls.team.id)
        cls.l4 = lead("L4", "opportunity", cls.customer_small, team_id=cls.team.id)
        cls.l5 = lead("L5", "opportunity", cls.customer_third, medium_id=cls.phone.id)
        (cls.l3 | cls.l4).action_set_won()
        cls.l5.action_set_lost()
        cls.friend = cls.env["res.partner"].create({
            "name": "Friend of Big", "is_company": True, "crm_referred_by_id": cls.customer_big.id})
        cls.Funnel = cls.env["crm.process.funnel"]

    def _counts(self, *groupby):
        rows = self.Funnel._read_group([("company_id", "=", self.company.id)], ["stage", *groupby], ["count:sum"])
        return {tuple(k.id if hasattr(k, "id") else k for k in key): total for *key, total in rows}

    def test_stage_counts(self):
        self.assertEqual(self._counts(), {
            ("1_lead",): 5, ("2_opportunity",): 3, ("3_won",): 2, ("4_first_order",): 2, ("5_repeat_order",): 1,
            ("6_referral",): 1})
        phases = self.Funnel._read_group([("company_id", "=", self.company.id)], ["phase"], ["count:sum"])
        self.assertEqual(dict(phases), {"1_awareness": 8, "2_conversion": 4, "3_retention": 1, "4_loyalty": 1})

    def test_per_channel(self):
        self.assertEqual(self._counts("channel_id"), {
            ("1_lead", self.field.id): 3, ("1_lead", self.phone_channel.id): 2,
            ("2_opportunity", self.field.id): 2, ("2_opportunity", self.phone_channel.id): 1,
            ("3_won", self.field.id): 2,
            ("4_first_order", self.web.id): 1, ("4_first_order", self.field.id): 1,
            ("5_repeat_order", self.field.id): 1,
            ("6_referral", self.web.id): 1})

    def test_per_segment(self):
        self.assertEqual(self._counts("segment_id"), {
            ("1_lead", self.segment_two.id): 3, ("1_lead", self.segment_third.id): 1, ("1_lead", False): 1,
            ("2_opportunity", self.segment_two.id): 2, ("2_opportunity", self.segment_third.id): 1,
            ("3_won", self.segment_two.id): 2,
            ("4_first_order", self.segment_two.id): 2,
            ("5_repeat_order", self.segment_two.id): 1,
            ("6_referral", self.segment_two.id): 1})

    def test_rows_point_at_their_documents(self):
        referral = self.Funnel.search([("company_id", "=", self.company.id), ("stage", "=", "6_referral")])
        self.assertEqual((referral.partner_id, referral.referred_partner_id), (self.customer_big, self.friend))
        repeat = self.Funnel.search([("company_id", "=", self.company.id), ("stage", "=", "5_repeat_order")])
        self.assertEqual(repeat.order_id, self.o3)
        self.assertEqual(repeat.date, self.o3.date_order.date())
        won = self.Funnel.search([("company_id", "=", self.company.id), ("stage", "=", "3_won")])
        self.assertEqual(won.lead_id, self.l3 | self.l4)

    def test_referral_checks_and_access(self):
        with self.assertRaises(ValidationError):
            self.contact.crm_referred_by_id = self.customer_big  # Big's own contact
        self.assertEqual(len(self.Funnel.with_user(self.strategy_user).search(
            [("company_id", "=", self.company.id)])), 14)
