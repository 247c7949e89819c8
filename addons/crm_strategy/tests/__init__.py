from . import test_crm_customer_measure
from . import test_crm_customer_pnl
from . import test_crm_segment
from . import test_crm_segment_refresh
from . import test_crm_strategy
from . import test_ui
