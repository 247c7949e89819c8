"""Constants shared by the models of crm_analytics, so that no model module imports another."""
from odoo.addons.crm_strategy.tools.locks import lock_namespace

from .lib import clv_basis, rfm

# pg_try_advisory_xact_lock(namespace, company_id): one refresh per company at a time, released at commit.
LOCK_NAME = "crm_analytics.refresh"
LOCK_NAMESPACE = lock_namespace(LOCK_NAME)  # what another connection locks to hold a refresh off
# Day numbers of the refresh (first / last purchase, occasions) count from this date.
EPOCH = "1970-01-01"

NIGHTLY_CRON = "crm_analytics.ir_cron_crm_analytics_refresh"
REQUEST_CRON = "crm_analytics.ir_cron_crm_analytics_refresh_request"
# A queued refresh of a company another refresh holds locked is tried again this much later.
RETRY_MINUTES = 5

# The analytics settings (system parameters crm_analytics.<key>) and their defaults.
SETTINGS = {
    "source": "invoice",
    "time_unit": "week",
    "horizon_months": 12,
    "discount_rate": 10.0,
    "buy_days": 30,
    "holdout_months": 6,
    "channel_dimension": "channel",
    "forecast_months": 6,
    "backtest_months": 12,
    "rfm_bins": rfm.BINS,
    "clv_min_repeat": clv_basis.MIN_REPEAT,
}

# Columns the numpy model writes, in staging-table order, with their PostgreSQL types.
STAGING_COLUMNS = {
    "partner_id": "int4",
    "first_day": "int4",
    "last_day": "int4",
    "purchase_count": "int4",
    "revenue_total": "float8",
    "margin_total": "float8",
    "frequency": "int4",
    "recency": "float8",
    "age": "float8",
    "monetary_value": "float8",
    "recency_days": "int4",
    "rfm_recency": "int4",
    "rfm_frequency": "int4",
    "rfm_monetary": "int4",
    "rfm_segment": "char(24)",  # fixed width for the binary COPY; cast to varchar it loses the padding
    "margin_rate": "float8",
    "p_alive": "float8",
    "expected_purchases": "float8",
    "buy_probability": "float8",
    "expected_order_value": "float8",
    "expected_order_margin": "float8",
    "clv": "float8",
    "clv_low": "float8",
    "clv_high": "float8",
    "clv_model": "float8",
}
