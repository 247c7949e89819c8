from . import test_lib_clv
from . import test_lib_analytics
from . import test_crm_customer_metrics
from . import test_pgcopy
from . import test_crm_analytics_dashboard
from . import test_res_config_settings
from . import test_ui
