import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged

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
