# Odoo runs the test_* modules it finds here: those of each concern's folder are named one by one.
from . import test_crm_sales_fact
from .profile import test_crm_customer_measure, test_crm_customer_measure_sql
from .segment import test_crm_segment, test_crm_segment_refresh, test_crm_segment_sql
from .channel import (
    test_crm_channel,
    test_crm_channel_evaluation,
    test_crm_channel_estimate,
    test_crm_channel_evaluation_sql,
    test_crm_channel_strategy,
    test_crm_channel_strategy_comparison_sql,
)
from .pnl import test_crm_cost_driver_sql, test_crm_cost_pool, test_crm_customer_pnl, test_crm_customer_pnl_sql
from .strategy import test_crm_strategy
from .playbook import test_crm_marketing_consent, test_crm_pnl_decision, test_crm_segment_playbook
from . import test_refresh_notifications
from . import test_migrations
from . import test_demo_plan
from . import test_ui
