"""Constants shared by the models of crm_analytics, so that no model module imports another."""
from odoo.addons.crm_strategy.tools.locks import lock_namespace

from .lib.clv_constants import MIN_REPEAT
from .lib.rfm_segments import BINS

# pg_try_advisory_xact_lock(namespace, company_id): one refresh per company at a time, released at commit.
LOCK_NAME = "crm_analytics.refresh"
LOCK_NAMESPACE = lock_namespace(LOCK_NAME)  # what another connection locks to hold a refresh off
# Settings of the refresh's statements (SET LOCAL): memory, so that its aggregate of every invoice line hashes or
# sorts in memory instead of spilling to disk (at 10^6 customers, ~2.7M customer-days), as the P&L refresh does;
# no JIT; and a join search over all the sales fact's nine relations, so that the changed customers of an
# incremental refresh are joined first (at the default of 8 their semi-join came after every invoice line).
REFRESH_SQL_SETTINGS = {"work_mem": "256MB", "jit": "off", "join_collapse_limit": 12, "from_collapse_limit": 12}
# Space left free in each page of crm_customer_metrics: a full refresh rewrites every row, and with room on its
# page the new version is a HOT update, which writes none of the table's indexes.
METRICS_FILLFACTOR = 50
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
    "rfm_bins": BINS,
    "clv_min_repeat": MIN_REPEAT,
    "retention_threshold": 30.0,  # % of P(alive) under which a customer triggers a retention activity
}

# Retention triggers: the RFM groups that ask for a retention call, and the activity type they create by default.
AT_RISK_SEGMENTS = ("at_risk", "cannot_lose")
RETENTION_ACTIVITY_TYPE = "crm_analytics.mail_activity_type_retention"
RETENTION_REASONS = [
    ("p_alive", "P(alive) fell below the threshold"),
    ("rfm", "Moved to At Risk / Can't Lose Them"),
    ("both", "Both"),
]

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

# The CRM process of the customer journey (crm.process.funnel): phases and the stages counted in each, their
# keys numbered so that reports group them in the order of the journey.
FUNNEL_PHASES = [
    ("1_awareness", "1. Awareness"),
    ("2_conversion", "2. Conversion"),
    ("3_retention", "3. Retention"),
    ("4_loyalty", "4. Loyalty / referral"),
]
FUNNEL_STAGES = [
    ("1_lead", "Leads created"),
    ("2_opportunity", "Opportunities"),
    ("3_won", "Opportunities won"),
    ("4_first_order", "First orders"),
    ("5_repeat_order", "Repeat orders"),
    ("6_referral", "Referrals"),
]

# Back-test grades of a CLV fit.
GRADES = [("A", "A - clearly beats the naive forecast"), ("B", "B - no worse than naive"),
          ("C", "C - worse than naive")]
# Who reads a customer's profit on the sales screens: the strategy managers and the sales managers.
PROFIT_GROUPS = "crm_strategy.group_crm_strategy_manager,sales_team.group_sale_manager"
