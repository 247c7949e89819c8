import runpy
from pathlib import Path
from types import SimpleNamespace

from odoo.tests import TransactionCase, tagged

from .common import queued_refreshes

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _load(version, name):
    """The migration script ``name`` of ``version``, its globals as attributes."""
    return SimpleNamespace(**runpy.run_path(str(MIGRATIONS / version / f"{name}.py")))


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    def test_1_1_moves_the_queued_refreshes_to_their_model(self):
        migration = _load("19.0.1.1.0", "post-migrate")
        Request = self.env["crm.customer.metrics.request"].sudo()
        Request.search([]).unlink()
        one, two = self.env["res.company"].create([{"name": "Queued One"}, {"name": "Queued Two"}])
        Request.create({"company_id": two.id, "full_refresh": False})
        # the queue before 19.0.1.1.0; a company deleted since is dropped
        self.env["ir.config_parameter"].set_param(
            migration.PARAM, f'{{"{one.id}": true, "{two.id}": true, "999999": false}}')
        self.env.flush_all()
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.env.registry.clear_cache()  # the parameters' cache: the migration deletes in SQL
        self.assertEqual(queued_refreshes(self.env), {one.id: True, two.id: True})
        self.assertFalse(self.env["ir.config_parameter"].get_param(migration.PARAM))
        migration.migrate(self.env.cr, "19.0.1.0.0")  # a second run finds nothing to move
        self.assertEqual(queued_refreshes(self.env), {one.id: True, two.id: True})
