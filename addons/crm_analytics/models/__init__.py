from . import crm_clv_model
from . import crm_customer_metrics
from . import crm_cohort_retention
from . import crm_revenue_forecast
from . import crm_marketing_spend
from . import crm_campaign_roi
from . import res_config_settings
