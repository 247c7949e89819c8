from datetime import datetime

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmAnalyticsSettings(TransactionCase):
    """The CRM Analytics settings: RFM bins and the schedule of the nightly refresh, which lives on its cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("crm_analytics.ir_cron_crm_analytics_refresh")
        cls.env.user.tz = "Europe/Brussels"

    def _save(self, **values):
        settings = self.env["res.config.settings"].create(values)
        settings.execute()
        return settings

    def test_schedule_writes_the_cron(self):
        self._save(crm_analytics_refresh_active=True, crm_analytics_refresh_interval=2,
                   crm_analytics_refresh_interval_type="weeks", crm_analytics_refresh_hour=3.5,
                   crm_analytics_rfm_bins=4)
        self.assertEqual(self.env["ir.config_parameter"].get_param("crm_analytics.rfm_bins"), "4")
        self.assertTrue(self.cron.active)
        self.assertEqual((self.cron.interval_number, self.cron.interval_type), (2, "weeks"))
        # 03:30 in Brussels is 01:30 or 02:30 UTC (summer or winter time), always in the future.
        self.assertEqual(self.cron.nextcall.minute, 30)
        self.assertIn(self.cron.nextcall.hour, (1, 2))
        self.assertGreater(self.cron.nextcall, datetime.now())
        values = self.env["res.config.settings"].default_get([
            "crm_analytics_refresh_active", "crm_analytics_refresh_interval", "crm_analytics_refresh_hour"])
        self.assertEqual(values["crm_analytics_refresh_interval"], 2)
        self.assertAlmostEqual(values["crm_analytics_refresh_hour"], 3.5)
        # Off: the cron is archived, not deleted.
        self._save(crm_analytics_refresh_active=False)
        self.assertFalse(self.cron.active)

    def test_saving_other_settings_leaves_the_schedule(self):
        self._save(crm_analytics_refresh_active=True, crm_analytics_refresh_hour=4.0)
        nextcall, write_date = self.cron.nextcall, self.cron.write_date
        defaults = self.env["res.config.settings"].default_get(list(self.env["res.config.settings"]._fields))
        defaults["crm_analytics_horizon_months"] = 24
        self.env["res.config.settings"].create(defaults).execute()
        self.assertEqual(self.cron.nextcall, nextcall)
        self.assertEqual(self.cron.write_date, write_date)

    def test_next_run_in_the_user_time_zone(self):
        settings = self.env["res.config.settings"].create({})
        # 22:00 UTC on 1 July is midnight in Brussels: 02:00 local is two hours away, 00:00 UTC next day.
        self.assertEqual(settings._crm_analytics_next_run(2.0, now=datetime(2026, 7, 1, 22, 0)),
                         datetime(2026, 7, 2, 0, 0))
        # In winter Brussels is UTC+1: 01:00 UTC is 02:00 local, so 02:00 local comes again next day.
        self.assertEqual(settings._crm_analytics_next_run(2.0, now=datetime(2026, 12, 1, 1, 0)),
                         datetime(2026, 12, 2, 1, 0))

    def test_bad_values_are_refused(self):
        ICP = self.env["ir.config_parameter"]
        before = (ICP.get_param("crm_analytics.rfm_bins"), self.cron.interval_number, self.cron.nextcall)
        for values, message in (({"crm_analytics_rfm_bins": 2}, "RFM bins"),
                                ({"crm_analytics_rfm_bins": 11}, "RFM bins"),
                                ({"crm_analytics_refresh_interval": 0}, "interval"),
                                ({"crm_analytics_refresh_hour": 24.0}, "hour"),
                                ({"crm_analytics_refresh_hour": -1.0}, "hour"),
                                ({"crm_analytics_clv_min_repeat": 0}, "repeat customers")):
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message):
                self._save(crm_analytics_refresh_active=True, **values)
        self.assertEqual((ICP.get_param("crm_analytics.rfm_bins"), self.cron.interval_number, self.cron.nextcall),
                         before, "nothing changed")

    def test_minimum_repeat_customers(self):
        """The minimum base of the model CLV: a system parameter the refresh reads, default 30."""
        Metrics = self.env["crm.customer.metrics"]
        self.assertEqual(self.env["res.config.settings"].create({}).crm_analytics_clv_min_repeat, 30)
        self._save(crm_analytics_clv_min_repeat=50)
        self.assertEqual(self.env["ir.config_parameter"].get_param("crm_analytics.clv_min_repeat"), "50")
        self.assertEqual(Metrics._analytics_settings()["clv_min_repeat"], 50)
        self.env["ir.config_parameter"].set_param("crm_analytics.clv_min_repeat", "-3")
        self.assertEqual(Metrics._analytics_settings()["clv_min_repeat"], 1, "typed by hand: clamped")
