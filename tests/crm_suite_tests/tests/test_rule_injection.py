"""Injection attempts in the rule fields users type (segment, typology, channel and P&L action rules,
every model built on crm.domain.rule.mixin): code, sandbox escapes, SQL and malformed or absurd domains are
refused with a ValidationError and change nothing; SQL in a value stays a value."""
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from .common import require_suite

ATTEMPTS = {
    "code": "__import__('os').system('touch /tmp/crm_pwned')",
    "builtins": "open('/etc/passwd').read()",
    "sandbox escape": "().__class__.__bases__[0].__subclasses__()",
    "dunder attribute": "[('id', '=', context_today.__globals__)]",
    "import statement": "exec('import os')",
    "SQL in the operator": "[('id', 'in', [1); DROP TABLE res_partner; --])]",
    "SQL operator": "[('id', 'in (select id from res_users) or 1=1 --', 1)]",
    "unknown field": "[('no_such_field', '=', 1)]",
    "bad operator": "[('id', 'like like', 'x')]",
    "not a list": "{'a': 1}",
    "a string": "'[]'",
    "syntax": "[('id', '=', ",
    "deep nesting": "[" * 5000 + "]" * 5000,
    "10 MB": "[('id', '=', 1)]" + " " * (10 * 1024 * 1024) + "x",
}
# model -> values making a record whose rule_domain is used
TARGETS = {
    "crm.segment": {"name": "Injection", "code": "INJECT"},
    "crm.typology.rule": {"name": "Injection"},
    "crm.channel": {"name": "Injection", "rule_type": "domain", "rule_domain": "[('id', '>', 0)]"},
    "crm.pnl.action.rule": {"name": "Injection"},
}


@tagged("post_install", "-at_install")
class TestRuleInjection(TransactionCase):
    def test_every_rule_model_is_covered(self):
        require_suite(self.env)
        children = set(self.env.registry["crm.domain.rule.mixin"]._inherit_children)
        self.assertEqual(children, set(TARGETS), "a rule model not covered by the injection test")

    def test_injection_refused_everywhere(self):
        require_suite(self.env)
        manager = new_test_user(self.env, "inject_manager", groups="crm_strategy.group_crm_strategy_manager")
        for model, values in TARGETS.items():
            Model = self.env[model].with_user(manager)
            record = Model.create(values)
            rule = record.rule_domain
            count = Model.search_count([])
            for n, (name, attempt) in enumerate(ATTEMPTS.items()):
                with self.subTest(model=model, attempt=name):
                    with self.assertRaises(ValidationError):
                        Model.create({**values, "name": f"Bad {name}", "code": f"BAD{n}",
                                      "rule_domain": attempt} if model == "crm.segment" else
                                     {**values, "name": f"Bad {name}", "rule_domain": attempt})
                    with self.assertRaises(ValidationError):
                        record.rule_domain = attempt
                    record.invalidate_recordset()
                    self.assertEqual(record.rule_domain, rule)
            self.assertEqual(Model.search_count([]), count, f"a bad {model} was saved")
        self.env.cr.execute(SQL("SELECT to_regclass('res_partner') IS NOT NULL"))
        self.assertTrue(self.env.cr.fetchone()[0])

    def test_sql_in_a_value_stays_a_value(self):
        require_suite(self.env)
        segment = self.env["crm.segment"].create({
            "name": "Quoted", "code": "QUOTED", "rule_domain": "[('name', '=', \"x'; DELETE FROM res_partner; --\")]"})
        partners = self.env["res.partner"].search_count([])
        segment.action_refresh_members()
        self.assertEqual(segment.member_count, 0)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
