"""Wizards belong to the user who opened them. Reproduced: a second strategy user read, downloaded and
overwrote another user's analytics export through its id; the channel strategy comparison was shared
the same way. Every transient model of the suite now has a creator-only record rule."""
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import require_suite

GROUPS = "crm_strategy.group_crm_strategy_user"


@tagged("post_install", "-at_install")
class TestWizardIsolation(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.alice = new_test_user(cls.env, "wizard_alice", groups=GROUPS, password="wizard_alice_pw")
        cls.bob = new_test_user(cls.env, "wizard_bob", groups=GROUPS, password="wizard_bob_pw")
        strategies = cls.env["crm.channel.strategy"].create([{"name": "Old way"}, {"name": "New way"}])
        segment = cls.env["crm.segment"].create({"name": "Wizards", "code": "WIZ",
                                                 "rule_domain": "[('is_company', '=', True)]"})
        strategies[1].line_ids = [Command.create({"segment_id": segment.id, "channel_id": channel.id,
                                                  "role": "primary"})
                                  for channel in cls.env["crm.channel"].search([], limit=1)]
        cls.export = cls.env["crm.analytics.export"].with_user(cls.alice).create({"analysis": "metrics"})
        cls.export.action_export()
        cls.comparison = cls.env["crm.channel.strategy.comparison"].with_user(cls.alice).create({
            "old_strategy_id": strategies[0].id, "new_strategy_id": strategies[1].id})
        cls.comparison.action_compare()

    def test_every_transient_model_has_a_creator_rule(self):
        suite = ("crm_strategy", "crm_analytics", "crm_partner_portal")
        for name in self.env.registry:
            Model = self.env[name]
            if not Model._transient or Model._original_module not in suite:
                continue
            with self.subTest(model=name):
                rules = self.env["ir.rule"].sudo().search([("model_id.model", "=", name), ("global", "=", True)])
                self.assertIn("[('create_uid', '=', user.id)]", rules.mapped("domain_force"))

    def test_another_user_cannot_read_write_nor_run(self):
        self.assertTrue(self.comparison.line_ids, "the comparison has lines to hide")
        for wizard in (self.export, self.comparison, self.comparison.line_ids[:1]):
            as_bob = wizard.with_user(self.bob)
            with self.subTest(model=wizard._name):
                self.assertFalse(as_bob.search([("id", "=", wizard.id)]))
                with self.assertRaises(AccessError):
                    as_bob.read(["create_uid"])
                with self.assertRaises(AccessError):
                    as_bob.write({"create_uid": self.bob.id})
        with self.assertRaises(AccessError):
            self.export.with_user(self.bob).action_export()
        with self.assertRaises(AccessError):
            self.comparison.with_user(self.bob).action_compare()
        with self.assertRaises(AccessError):
            self.comparison.with_user(self.bob).action_export_xlsx()
        self.assertEqual(self.export.with_user(self.alice).state, "done", "still Alice's, untouched")

    def test_download_is_the_creator_s(self):
        url = f"/web/content/crm.analytics.export/{self.export.id}/file?download=true"
        self.authenticate("wizard_bob", "wizard_bob_pw")
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"PK\x03\x04", response.content, "Bob got the workbook")
        self.authenticate("wizard_alice", "wizard_alice_pw")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK\x03\x04"), "Alice gets her workbook")
        export = self.comparison.with_user(self.alice).action_export_xlsx()
        self.assertEqual(self.url_open(export["url"]).status_code, 200)
        self.authenticate("wizard_bob", "wizard_bob_pw")
        with mute_logger("odoo.http"):
            self.assertIn(self.url_open(export["url"]).status_code, (403, 404))
