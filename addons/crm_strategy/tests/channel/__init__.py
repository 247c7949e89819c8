from . import test_crm_channel
from . import test_crm_channel_evaluation
from . import test_crm_channel_evaluation_sql
from . import test_crm_channel_strategy
from . import test_crm_channel_strategy_comparison_sql
from . import test_crm_channel_estimate
