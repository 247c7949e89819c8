"""Bad input, model by model and field by field: negative, zero and absurd amounts, dates in the wrong
century, 10 MB strings and wrong types each get a readable error and change nothing (the record is read
back from the database and compared)."""
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import require_suite, setup_vendors

ABSURD = 1e15
TEN_MB = "x" * (10 * 1024 * 1024)
REFUSED = (ValidationError, UserError)
WRONG_TYPE = (*REFUSED, ValueError, TypeError)


@tagged("post_install", "-at_install")
class TestBadInput(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        env = cls.env
        campaign = env["utm.campaign"].create({"name": "Bad input campaign"})

        def record(model, values):
            return env[model].search([("company_id", "=", env.company.id)], limit=1) or env[model].create(values)

        vendors = setup_vendors(env)
        own = vendors["own"]
        offer = env["crm.supplier.stock.offer"].create({
            "supplierinfo_id": own["info"].id, "partner_id": own["vendor"].id, "qty_available": 3, "delay": 2})
        # model -> (record, {field: bad values})
        cls.cases = {
            "crm.marketing.spend": (env["crm.marketing.spend"].create({
                "name": "Fair", "campaign_id": campaign.id, "amount": 100.0}), {
                "amount": [-1.0, 0.0, ABSURD], "date": ["1500-01-01", "9999-12-31"]}),
            "crm.strategy": (env["crm.strategy"].search([], limit=1), {
                "date_from": ["0001-01-01", "1900-01-01"], "date_to": ["9999-12-31", "2999-01-01"],
                "amber_threshold": [-1.0, 101.0, ABSURD]}),
            "crm.strategy.line": (env["crm.strategy.line"].search([], limit=1), {
                "target_revenue": [-1.0], "target_retention_rate": [-1.0, 101.0]}),
            "crm.channel": (env["crm.channel"].search([("cost_model", "=", "revenue_pct")], limit=1), {
                "cost_rate": [-1.0, 101.0]}),
            "crm.channel (fixed cost)": (env["crm.channel"].search([("cost_model", "!=", "revenue_pct")], limit=1), {
                "cost_rate": [-1.0, ABSURD]}),
            "crm.admin.cost.rule": (record("crm.admin.cost.rule", {"name": "Admin", "rate": 1.0}), {
                "rate": [-1.0, ABSURD]}),
            "crm.cost.driver": (record("crm.cost.driver", {"driver": "quotation", "unit_cost": 1.0}), {
                "unit_cost": [-1.0, ABSURD]}),
            "crm.channel.criterion": (record("crm.channel.criterion", {
                "name": "Revenue", "measure": "revenue", "weight": 1.0}), {"weight": [-1.0, ABSURD]}),
            "crm.supplier.forecast.line": (own["bucket"], {"qty_committed": [-1.0, ABSURD]}),
            "crm.supplier.stock.offer": (offer, {
                "qty_available": [-1.0, ABSURD], "delay": [-1, 100000], "price": [-0.01, ABSURD],
                "min_qty": [-1.0, ABSURD]}),
            "crm.supplier.webhook": (env["crm.supplier.webhook"].create({
                "name": "Hook", "partner_id": own["vendor"].id, "url": "https://93.184.216.34/x"}), {
                "url": ["javascript:alert(1)", "ftp://x", "https://x" + TEN_MB, "https://a b.example", ""]}),
            "crm.segment": (env["crm.segment"].search([], limit=1), {
                "rule_domain": [TEN_MB, "[" * 100000]}),
        }

    def _refused(self, record, values, kinds):
        """Write ``values``; it must fail with one of ``kinds`` (Odoo's assertRaises takes a single class)."""
        try:
            with self.env.cr.savepoint():
                record.write(values)
                record.flush_recordset()
        except kinds as error:
            return error
        self.fail(f"{record._name} accepted {str(values)[:80]}")

    def _read_back(self, record, fields):
        record.invalidate_recordset()
        return record.read(fields)[0]

    def test_every_case_has_a_record(self):
        for label, (record, _fields) in self.cases.items():
            self.assertEqual(len(record), 1, label)

    def test_bad_values_refused_and_nothing_changed(self):
        for label, (record, bad) in self.cases.items():
            before = self._read_back(record, list(bad))
            for field, values in bad.items():
                for value in values:
                    with self.subTest(model=label, field=field, value=str(value)[:30]):
                        error = self._refused(record, {field: value}, REFUSED)
                        self.assertTrue(str(error.args[0]).strip(), "a readable message")
                        self.assertLess(len(str(error.args[0])), 2000, "the message does not echo the input")
            self.assertEqual(self._read_back(record, list(bad)), before, f"{label} changed")

    def test_ten_mb_texts_refused_and_nothing_changed(self):
        """Names, codes and descriptions typed into the backend: a 10 MB paste is refused, field by field."""
        env = self.env
        records = {
            "crm.segment": (self.cases["crm.segment"][0], ["name", "code", "description", "value_proposition"]),
            "crm.strategy": (self.cases["crm.strategy"][0], ["name", "business_strategy"]),
            "crm.channel": (self.cases["crm.channel"][0], ["name", "origin_pattern", "description"]),
            "crm.channel.strategy": (env["crm.channel.strategy"].search([], limit=1), ["name", "description"]),
            "crm.profile.tag": (env["crm.profile.tag"].search([], limit=1), ["name"]),
            "crm.typology.rule": (env["crm.typology.rule"].search([], limit=1), ["name", "description"]),
            "crm.pnl.action.rule": (env["crm.pnl.action.rule"].search([], limit=1), ["name", "description"]),
            "crm.admin.cost.rule": (self.cases["crm.admin.cost.rule"][0], ["name"]),
            "crm.channel.criterion": (self.cases["crm.channel.criterion"][0], ["name"]),
            "crm.marketing.spend": (self.cases["crm.marketing.spend"][0], ["name"]),
            "crm.supplier.webhook": (self.cases["crm.supplier.webhook"][0], ["name"]),
        }
        for label, (record, names) in records.items():
            self.assertEqual(len(record), 1, label)
            before = self._read_back(record, names)
            for name in names:
                with self.subTest(model=label, field=name):
                    error = self._refused(record, {name: TEN_MB}, REFUSED)
                    self.assertIn("too long", str(error.args[0]))
                    self.assertLess(len(str(error.args[0])), 2000, "the message does not echo the input")
            self.assertEqual(self._read_back(record, names), before, f"{label} changed")
        # the limits are generous: a long but sensible description still goes in
        segment = records["crm.segment"][0]
        segment.description = "A segment described at length. " * 1000
        self.assertEqual(len(segment.description), 31000)

    def test_wrong_types_refused_and_nothing_changed(self):
        """What a buggy RPC client sends: text for numbers and dates, lists and dicts for scalars."""
        cases = {
            "crm.marketing.spend": {"amount": ["abc", [1], {"a": 1}], "date": ["not a date", "2025-13-45", 20250101]},
            "crm.strategy": {"amber_threshold": ["high", [50]], "date_to": ["tomorrow", [2025]]},
            "crm.supplier.stock.offer": {"delay": ["two", 2.5j], "qty_available": ["many"]},
        }
        for label, bad in cases.items():
            record = self.cases[label][0]
            before = self._read_back(record, list(bad))
            for field, values in bad.items():
                for value in values:
                    with self.subTest(model=label, field=field, value=repr(value)):
                        self._refused(record, {field: value}, WRONG_TYPE)
            self.assertEqual(self._read_back(record, list(bad)), before, f"{label} changed")
