from . import test_crm_channel
from . import test_crm_channel_evaluation
from . import test_crm_channel_strategy
