# The CRM strategy of a period: an action and targets per segment.
from . import crm_strategy
from . import crm_strategy_line
