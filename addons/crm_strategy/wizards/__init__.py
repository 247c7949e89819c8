from . import crm_channel_strategy_comparison
from . import crm_channel_strategy_comparison_line
