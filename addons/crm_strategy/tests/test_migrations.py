import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL
from odoo.tools.sql import column_exists, table_kind

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _load(version, name):
    spec = importlib.util.spec_from_file_location(f"crm_strategy_migration_{name}", MIGRATIONS / version / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    def _indexes(self):
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'crm_customer_pnl'")
        return {row[0] for row in self.env.cr.fetchall()}

    def test_1_1_drops_the_pnl_indexes_of_older_installs(self):
        migration = _load("19.0.1.1.0", "post-migrate")
        # a database installed before 19.0.1.1.0 still has them
        self.env.cr.execute("CREATE INDEX crm_customer_pnl__partner_id_index ON crm_customer_pnl (partner_id)")
        self.env.cr.execute("CREATE INDEX crm_customer_pnl__company_id_index ON crm_customer_pnl (company_id)")
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.assertFalse(self._indexes() & set(migration.DROPPED))
        self.assertIn("crm_customer_pnl_partner_company_month_uniq", self._indexes(), "the unique index stays")
        migration.migrate(self.env.cr, "19.0.1.0.0")  # a second run finds nothing to drop

    def test_1_2_turns_the_history_table_into_membership_periods(self):
        migration = _load("19.0.1.2.0", "pre-migrate")
        cr = self.env.cr
        segment = self.env["crm.segment"].create({"name": "Migrated", "code": "MIG"})
        stays, went = self.env["res.partner"].create([{"name": "Came back"}, {"name": "Went away"}])
        company = self.env.company.id
        self.env.flush_all()
        # the layout before 19.0.1.2.0: current members only, and a table of events
        cr.execute("DROP VIEW crm_segment_history")
        cr.execute("""CREATE TABLE crm_segment_history (id SERIAL PRIMARY KEY, segment_id INT, partner_id INT,
                      company_id INT, event VARCHAR, date TIMESTAMP)""")
        cr.execute(SQL(
            """
            INSERT INTO crm_segment_history (segment_id, partner_id, company_id, event, date) VALUES
                (%(s)s, %(stays)s, %(c)s, 'enter', '2026-01-01'), (%(s)s, %(stays)s, %(c)s, 'leave', '2026-02-01'),
                (%(s)s, %(stays)s, %(c)s, 'enter', '2026-03-01'),
                (%(s)s, %(went)s, %(c)s, 'enter', '2026-01-15'), (%(s)s, %(went)s, %(c)s, 'leave', '2026-04-01');
            ALTER TABLE crm_segment_member ADD COLUMN company_id INT;
            -- as the profitability view of 19.0.1.1.0 did, a view reads the membership's company
            DROP VIEW crm_customer_profitability;
            CREATE VIEW crm_customer_profitability AS SELECT company_id FROM crm_segment_member;
            INSERT INTO crm_segment_member (segment_id, partner_id, company_id, date_joined, is_primary, active)
            VALUES (%(s)s, %(stays)s, %(c)s, '2026-03-01', TRUE, TRUE);
            """, s=segment.id, stays=stays.id, went=went.id, c=company))
        migration.migrate(cr, "19.0.1.1.0")
        self.assertIsNone(table_kind(cr, "crm_segment_history"), "the table made room for the view")
        self.assertFalse(column_exists(cr, "crm_segment_member", "company_id"), "the segment's company serves")
        self.env["crm.segment.history"].init()
        self.env["crm.customer.profitability"].init()
        self.env.invalidate_all()

        def events(partner):
            history = self.env["crm.segment.history"].search(
                [("segment_id", "=", segment.id), ("partner_id", "=", partner.id)], order="date, id")
            return [(h.event, str(h.date.date())) for h in history]

        self.assertEqual(events(stays), [("enter", "2026-01-01"), ("leave", "2026-02-01"), ("enter", "2026-03-01")])
        self.assertEqual(events(went), [("enter", "2026-01-15"), ("leave", "2026-04-01")])
        self.assertEqual(segment.partner_ids, stays, "only the current member is a member")
        self.assertEqual(segment.member_count, 1)
        migration.migrate(cr, "19.0.1.1.0")  # a second run finds a view and does nothing
        self.assertEqual(len(events(stays)), 3)

    def test_1_3_types_the_shipped_action_rules(self):
        migration = _load("19.0.1.3.0", "post-migrate")
        service = self.env.ref("crm_strategy.pnl_action_service")
        reprice = self.env.ref("crm_strategy.pnl_action_reprice")
        # as a database installed before 19.0.1.3.0 has them; a rule typed by hand keeps its type
        (service | reprice).write({"action_type": False, "service_level": False})
        self.env.ref("crm_strategy.pnl_action_channel").action_type = "lower_service"
        self.env.flush_all()
        migration.migrate(self.env.cr, "19.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual((service.action_type, service.service_level), ("lower_service", "basic"))
        self.assertEqual(reprice.action_type, "reprice")
        self.assertEqual(self.env.ref("crm_strategy.pnl_action_channel").action_type, "lower_service")

    def test_1_4_moves_the_document_channels_to_their_own_table(self):
        migration = _load("19.0.1.4.0", "post-migrate")
        cr = self.env.cr
        company = self.env.company
        Channel = self.env["crm.channel"]
        web = Channel.create({"name": "Migrated web", "rule_type": "origin", "origin_pattern": "MIGWEB"})
        phone = Channel.create({"name": "Migrated phone", "rule_type": "origin", "origin_pattern": "MIGPHONE"})
        partner = self.env["res.partner"].create({"name": "Migrated customer"})
        ruled, by_hand, none = self.env["sale.order"].create([{"partner_id": partner.id} for _i in range(3)])
        invoice = self.env["account.move"].create({"move_type": "out_invoice", "partner_id": partner.id})
        self.env.flush_all()
        cr.execute(SQL("DELETE FROM crm_channel_assignment WHERE order_id IN %s OR move_id = %s",
                       (ruled.id, by_hand.id, none.id), invoice.id))
        # the layout before 19.0.1.4.0: the channel and its override flag on the documents themselves
        cr.execute(SQL(
            """
            ALTER TABLE sale_order ADD COLUMN channel_id INT, ADD COLUMN channel_override BOOLEAN;
            ALTER TABLE account_move ADD COLUMN channel_id INT, ADD COLUMN channel_override BOOLEAN;
            UPDATE sale_order SET channel_id = %(web)s WHERE id = %(ruled)s;
            UPDATE sale_order SET channel_id = %(phone)s, channel_override = TRUE WHERE id = %(by_hand)s;
            UPDATE account_move SET channel_id = %(web)s WHERE id = %(invoice)s;
            CREATE VIEW crm_test_old_funnel AS SELECT id, channel_id FROM sale_order;
            """, web=web.id, phone=phone.id, ruled=ruled.id, by_hand=by_hand.id, invoice=invoice.id))
        # a report view of another addon still reads the old column (as the process funnel did): the migration
        # must not fail on it; the addon's update creates its view again
        migration.migrate(cr, "19.0.1.3.0")
        self.env.invalidate_all()
        self.assertFalse(column_exists(cr, "account_move", "channel_id"), "the wide table no longer carries it")
        self.assertFalse(column_exists(cr, "sale_order", "channel_override"))
        self.assertEqual((ruled.channel_id, ruled.channel_override), (web, False))
        self.assertEqual((by_hand.channel_id, by_hand.channel_override), (phone, True), "set by hand, still")
        self.assertFalse(none.channel_id)
        self.assertEqual(invoice.channel_id, web)
        self.assertEqual(self.env["sale.order"].search([("channel_id", "=", phone.id)]), by_hand)
        self.assertEqual(self.env["crm.channel.assignment"].search_count([("company_id", "=", company.id),
                                                                           ("order_id", "in", ruled.ids)]), 1)
        migration.migrate(cr, "19.0.1.3.0")  # a second run finds nothing to move
