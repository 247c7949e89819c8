from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger


class TestCrmSegment(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "seg_manager", groups="crm_strategy.group_crm_strategy_manager")
        cls.owner = new_test_user(cls.env, "seg_owner", groups="crm_strategy.group_crm_strategy_user")
        cls.other_user = new_test_user(cls.env, "seg_other", groups="crm_strategy.group_crm_strategy_user")
        cls.employee = new_test_user(cls.env, "seg_employee", groups="base.group_user")
        cls.segment = cls.env["crm.segment"].create({
            "name": "Retail chains",
            "code": "RET",
            "owner_id": cls.owner.id,
        })

    def test_stage_requires_advisor_then_owner(self):
        segment = self.env["crm.segment"].create({"name": "Wholesalers", "code": "WHO"})
        segment.continuum_stage = "customer_management"
        with self.assertRaisesRegex(ValidationError, "segment advisor"):
            segment.continuum_stage = "segment_advisor"
        segment.advisor_id = self.owner
        segment.continuum_stage = "segment_advisor"
        with self.assertRaisesRegex(ValidationError, "segment owner"):
            segment.continuum_stage = "segment_owner"
        segment.owner_id = self.other_user
        segment.continuum_stage = "segment_owner"
        self.assertEqual(segment.continuum_stage, "segment_owner")

    def test_code_unique_per_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.env["crm.segment"].create({"name": "Same code elsewhere", "code": "RET", "company_id": other_company.id})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["crm.segment"].create({"name": "Duplicate", "code": "RET"})

    def test_owner_may_edit_own_segment_only(self):
        self.segment.with_user(self.owner).write({"description": "Owned and edited"})
        self.assertEqual(self.segment.description, "Owned and edited")
        with self.assertRaises(AccessError):
            self.segment.with_user(self.other_user).write({"description": "Not mine"})
        # every strategy user can read every segment of the company
        self.assertEqual(self.segment.with_user(self.other_user).name, "Retail chains")

    def test_access_per_group(self):
        Segment = self.env["crm.segment"]
        with self.assertRaises(AccessError):
            Segment.with_user(self.owner).create({"name": "Not allowed", "code": "NA"})
        with self.assertRaises(AccessError):
            self.segment.with_user(self.owner).unlink()
        with self.assertRaises(AccessError):
            Segment.with_user(self.employee).search([])
        created = Segment.with_user(self.manager).create({"name": "By manager", "code": "MGR"})
        created.with_user(self.manager).unlink()
        self.assertFalse(created.exists())

    def test_multi_company_rule(self):
        other_company = self.env["res.company"].create({"name": "Hidden Co"})
        hidden = self.env["crm.segment"].create({"name": "Hidden", "code": "HID", "company_id": other_company.id})
        visible = self.env["crm.segment"].with_user(self.manager).search([])
        self.assertIn(self.segment, visible)
        self.assertNotIn(hidden, visible)
