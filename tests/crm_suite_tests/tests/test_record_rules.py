"""Record rules of the suite, model by model: a user of one company never sees another company's rows
(every model with a company), a CRM strategy user edits only the segments they own or advise, and a portal
vendor reads only its own commercial partner's rows. Evaluated on the rules Odoo really applies
(``ir.rule._compute_domain``), so a rule dropped or loosened fails here."""
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import require_suite
from .test_access_matrix import EXPECTED, suite_models

# models without a company: shared by every company on purpose
WITHOUT_COMPANY = {"crm.profile.tag", "crm.pnl.action.rule"}
# models whose company is the one of a required parent (field name), not stored again
COMPANY_OF_PARENT = {"crm.segment.member": "segment_id"}
# models whose rows without a company are shared by every company
SHARED_WHEN_EMPTY = {"crm.typology.rule"}


@tagged("post_install", "-at_install")
class TestRecordRules(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.company_a = cls.env["res.company"].create({"name": "Rules A"})
        cls.company_b = cls.env["res.company"].create({"name": "Rules B"})
        groups = "crm_strategy.group_crm_strategy_manager,purchase.group_purchase_manager,sales_team.group_sale_manager"
        cls.user_a = new_test_user(cls.env, "rules_a", groups=groups, company_id=cls.company_a.id,
                                   company_ids=[cls.company_a.id])

    def _visible(self, user, model, mode, values_list, companies=None):
        """Which of these (unsaved) rows the rules let ``user`` see for ``mode``."""
        env = self.env(user=user, context={"allowed_company_ids": companies or user.company_ids.ids})
        domain = env["ir.rule"]._compute_domain(model, mode)
        rows = self.env[model].sudo().browse()
        for values in values_list:
            rows |= self.env[model].sudo().new(values)
        return [bool(row.filtered_domain(domain)) for row in rows]

    def test_every_model_with_a_company_is_isolated(self):
        models = suite_models(self.env)
        with_company = {m for m in models if "company_id" in self.env[m]._fields and self.env[m]._fields[
            "company_id"].store}
        self.assertEqual(models - with_company - set(COMPANY_OF_PARENT), WITHOUT_COMPANY,
                         "a model without company isolation")
        for model, parent in COMPANY_OF_PARENT.items():
            with self.subTest(model=model):
                self.assertEqual(self.env[model]._fields["company_id"].related, f"{parent}.company_id")
                comodel = self.env[model]._fields[parent].comodel_name
                parents = [self.env[comodel].create({"name": f"Rules {company.name}", "code": f"R{company.id}",
                                                     "company_id": company.id})
                           for company in (self.company_a, self.company_b)]
                for mode in ("read", "write", "unlink"):
                    visible = self._visible(self.user_a, model, mode, [{parent: p.id} for p in parents])
                    self.assertEqual(visible, [True, False], "own company visible, the other one not")
        for model in sorted(with_company):
            for mode in ("read", "write", "unlink"):
                with self.subTest(model=model, mode=mode):
                    visible = self._visible(self.user_a, model, mode, [
                        {"company_id": self.company_a.id}, {"company_id": self.company_b.id}, {"company_id": False}])
                    self.assertEqual(visible[:2], [True, False], "own company visible, the other one not")
                    self.assertEqual(visible[2], model in SHARED_WHEN_EMPTY)
        # several allowed companies: each is visible, a company not allowed in the session is not
        self.user_a.company_ids |= self.company_b
        self.assertEqual(self._visible(self.user_a, "crm.customer.pnl", "read", [
            {"company_id": self.company_a.id}, {"company_id": self.company_b.id}], [self.company_a.id]),
            [True, False])
        self.assertEqual(self._visible(self.user_a, "crm.customer.pnl", "read", [
            {"company_id": self.company_a.id}, {"company_id": self.company_b.id}]), [True, True])

    def test_segment_owner_rules(self):
        """A strategy user reads every segment of the company but writes only those they own or advise;
        a manager writes them all."""
        user = new_test_user(self.env, "rules_owner", groups="crm_strategy.group_crm_strategy_user",
                             company_id=self.company_a.id, company_ids=[self.company_a.id])
        colleague = new_test_user(self.env, "rules_colleague", groups="crm_strategy.group_crm_strategy_user",
                                  company_id=self.company_a.id, company_ids=[self.company_a.id])
        rows = [{"company_id": self.company_a.id, "owner_id": user.id},
                {"company_id": self.company_a.id, "advisor_id": user.id},
                {"company_id": self.company_a.id, "owner_id": colleague.id},
                {"company_id": self.company_b.id, "owner_id": user.id}]
        self.assertEqual(self._visible(user, "crm.segment", "read", rows), [True, True, True, False])
        self.assertEqual(self._visible(user, "crm.segment", "write", rows), [True, True, False, False])
        self.assertEqual(self._visible(self.user_a, "crm.segment", "write", rows), [True, True, True, False])

    def test_portal_vendor_rules(self):
        """Every model a portal vendor (or distributor) reads is limited to its commercial partner (and its
        company)."""
        vendor = self.env["res.partner"].create({"name": "Rules vendor", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Rules contact", "parent_id": vendor.id})
        stranger = self.env["res.partner"].create({"name": "Rules stranger", "is_company": True})
        portal = new_test_user(self.env, "rules_portal", groups="base.group_portal", partner_id=contact.id)
        company = portal.company_id.id
        readable = sorted(m for m, row in EXPECTED.items() if "r" in row["portal"])
        self.assertEqual(readable, ["crm.distributor.sellout", "crm.supplier.commit", "crm.supplier.forecast",
                                    "crm.supplier.forecast.line", "crm.supplier.stock.offer"])
        for model in readable:
            with self.subTest(model=model):
                extra = {"state": "published"} if model == "crm.supplier.forecast" else {}
                if model == "crm.supplier.forecast.line":
                    forecasts = [self.env["crm.supplier.forecast"].create(
                        {"partner_id": partner.id, "company_id": company}) for partner in (vendor, stranger)]
                    for forecast in forecasts:
                        forecast.state = "published"
                    rows = [{"forecast_id": forecasts[0].id, "partner_id": vendor.id, "company_id": company},
                            {"forecast_id": forecasts[1].id, "partner_id": stranger.id, "company_id": company}]
                else:
                    rows = [{"partner_id": vendor.id, "company_id": company, **extra},
                            {"partner_id": stranger.id, "company_id": company, **extra},
                            {"partner_id": vendor.id, "company_id": self.company_b.id, **extra}]
                visible = self._visible(portal, model, "read", rows)
                self.assertEqual(visible, [True, False, False][:len(rows)])
