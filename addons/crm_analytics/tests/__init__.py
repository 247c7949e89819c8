from . import test_lib_clv
from . import test_lib_analytics
from . import test_crm_customer_metrics
