from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import NIGHTLY_CRON, SETTINGS
from ..lib import rfm_segments


def _setting(field_type, key, *args, **kwargs):
    """A setting kept in the system parameter ``crm_analytics.<key>``, with the refresh's default, for the
    administrators."""
    return field_type(*args, config_parameter=f"crm_analytics.{key}", default=SETTINGS[key],
                      groups="base.group_system", **kwargs)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_analytics_source = _setting(
        fields.Selection, "source", [("invoice", "Posted invoices"), ("order", "Confirmed orders")],
        string="Analytics source", help="Documents the customer metrics are computed from.")
    crm_analytics_time_unit = _setting(
        fields.Selection, "time_unit", [("day", "Day"), ("week", "Week"), ("month", "Month")],
        string="Model time unit", help="Unit of recency and customer age in the BG/NBD model.")
    crm_analytics_horizon_months = _setting(fields.Integer, "horizon_months", string="CLV horizon (months)")
    crm_analytics_discount_rate = _setting(fields.Float, "discount_rate", string="Annual discount rate (%)")
    crm_analytics_buy_days = _setting(fields.Integer, "buy_days", string="Likelihood to buy within (days)")
    crm_analytics_clv_min_repeat = _setting(
        fields.Integer, "clv_min_repeat", string="Minimum repeat customers for the model CLV",
        help="Below this number of repeat customers (or when the fit's back-test grade is C) the CLV shown is the "
             "historical one, labelled as such, not the BG/NBD x Gamma-Gamma model's.")
    crm_analytics_holdout_months = _setting(fields.Integer, "holdout_months", string="Back-test holdout (months)")
    crm_analytics_channel_dimension = _setting(
        fields.Selection, "channel_dimension",
        [("channel", "Sales channel"), ("source", "UTM source"), ("medium", "UTM medium"), ("team", "Sales team")],
        string="Acquisition channel",
        help="What names the channel a customer was acquired through: the channel of the first document "
             "(CRM > Strategy > Channels; its UTM source when no channel recognises it), its UTM source or medium, "
             "or its sales team.")
    crm_analytics_forecast_months = _setting(fields.Integer, "forecast_months", string="Forecast horizon (months)")
    crm_analytics_backtest_months = _setting(fields.Integer, "backtest_months", string="Forecast back-test (months)")
    crm_analytics_rfm_bins = _setting(
        fields.Integer, "rfm_bins", string="RFM bins",
        help="Number of quantile bins of each RFM score (3 to 10; 5 gives the usual quintiles). The named RFM "
             "groups are read on a 5 x 5 grid, onto which other bins are rescaled. Changing it makes the next "
             "refresh a full one.")
    crm_analytics_retention_threshold = _setting(
        fields.Float, "retention_threshold", string="Retention trigger: P(alive) below (%)",
        help="After each refresh, a customer whose P(alive) falls below this threshold, or whose RFM segment moves "
             "to At Risk / Can't Lose Them, gets a retention activity for its salesperson.")
    crm_analytics_retention_activity_type_id = fields.Many2one(
        "mail.activity.type", string="Retention activity type",
        config_parameter="crm_analytics.retention_activity_type_id", groups="base.group_system",
        help="Empty: the Retention call type.")
    crm_analytics_retention_user_id = fields.Many2one(
        "res.users", string="Retention owner without salesperson", config_parameter="crm_analytics.retention_user_id",
        domain=[("share", "=", False)], groups="base.group_system",
        help="Who gets the retention activity of a customer without a salesperson; empty: nobody (the trigger is "
             "still recorded).")
    crm_analytics_refresh_active = fields.Boolean(
        string="Scheduled refresh", help="Refresh the customer metrics, cohorts and forecast automatically.",
        groups="base.group_system")
    crm_analytics_refresh_interval = fields.Integer(string="Refresh every", default=1, groups="base.group_system")
    crm_analytics_refresh_interval_type = fields.Selection(
        [("days", "Days"), ("weeks", "Weeks")], string="Refresh interval unit", default="days",
        groups="base.group_system")
    crm_analytics_refresh_hour = fields.Float(
        string="Refresh at", default=2.0, help="Hour of the day (your time zone) the scheduled refresh starts.",
        groups="base.group_system")

    @api.constrains("crm_analytics_rfm_bins", "crm_analytics_refresh_interval", "crm_analytics_refresh_hour",
                    "crm_analytics_clv_min_repeat", "crm_analytics_retention_threshold")
    def _check_crm_analytics_schedule(self):
        for settings in self:
            if not 0.0 <= settings.crm_analytics_retention_threshold <= 100.0:
                raise ValidationError(self.env._("The retention threshold is a P(alive) between 0 and 100 %."))
            if settings.crm_analytics_clv_min_repeat < 1:
                raise ValidationError(self.env._("The minimum number of repeat customers must be at least 1."))
            if not rfm_segments.MIN_BINS <= settings.crm_analytics_rfm_bins <= rfm_segments.MAX_BINS:
                raise ValidationError(self.env._(
                    "RFM bins must lie between %(low)s and %(high)s.", low=rfm_segments.MIN_BINS,
                    high=rfm_segments.MAX_BINS))
            if settings.crm_analytics_refresh_interval < 1:
                raise ValidationError(self.env._("The refresh interval must be at least 1."))
            if not 0.0 <= settings.crm_analytics_refresh_hour < 24.0:
                raise ValidationError(self.env._("The refresh hour must lie between 00:00 and 23:59."))

    @api.model
    def get_values(self):
        self.check_access("read")
        values = super().get_values()
        cron = self.env.ref(NIGHTLY_CRON, raise_if_not_found=False)
        if cron:
            cron = cron.sudo()
            nextcall = pytz.utc.localize(cron.nextcall).astimezone(self._crm_analytics_tz())
            values.update({
                "crm_analytics_refresh_active": cron.active,
                "crm_analytics_refresh_interval": cron.interval_number,
                "crm_analytics_refresh_interval_type": (
                    cron.interval_type if cron.interval_type in ("days", "weeks") else "days"),
                "crm_analytics_refresh_hour": nextcall.hour + nextcall.minute / 60.0,
            })
        return values

    def set_values(self):
        self.check_access("write")
        super().set_values()
        cron = self.env.ref(NIGHTLY_CRON, raise_if_not_found=False)
        if not cron:
            return
        cron = cron.sudo().with_context(active_test=False)
        current = self.get_values()
        wanted = {
            "active": self.crm_analytics_refresh_active,
            "interval_number": self.crm_analytics_refresh_interval,
            "interval_type": self.crm_analytics_refresh_interval_type,
        }
        # Saving any settings page calls this: the cron is written only when its schedule changed.
        changes = {key: value for key, value in wanted.items() if cron[key] != value}
        if abs(current.get("crm_analytics_refresh_hour", 0.0) - self.crm_analytics_refresh_hour) >= 1 / 120:
            changes["nextcall"] = self._crm_analytics_next_run(self.crm_analytics_refresh_hour)
        if changes:
            cron.write(changes)

    def _crm_analytics_tz(self):
        return pytz.timezone(self.env.user.tz or "UTC")

    def _crm_analytics_next_run(self, hour, now=None):
        """The next time the clock of the user's time zone shows ``hour``, in naive UTC as ir.cron stores it."""
        tz = self._crm_analytics_tz()
        now = now or fields.Datetime.now()
        local_now = pytz.utc.localize(now).astimezone(tz)
        minutes = round(hour * 60)
        at = time(minutes // 60, minutes % 60)
        day = local_now.date() if tz.localize(datetime.combine(local_now.date(), at)) > local_now \
            else local_now.date() + timedelta(days=1)
        return tz.localize(datetime.combine(day, at)).astimezone(pytz.utc).replace(tzinfo=None)
