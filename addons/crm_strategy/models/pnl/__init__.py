# The customer P&L: costs to serve and administer, the monthly P&L rows, and profitability.
from . import crm_cost_driver
from . import crm_admin_cost_rule
from . import crm_cost_pool
from . import crm_customer_pnl
from . import crm_customer_profitability
from . import crm_pnl_action_rule
from . import crm_segment
