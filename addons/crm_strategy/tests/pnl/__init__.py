from . import test_crm_customer_pnl
from . import test_crm_customer_pnl_sql
from . import test_crm_cost_driver_sql
from . import test_crm_cost_pool
