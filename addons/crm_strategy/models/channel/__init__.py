# Routes to market: the channels, the documents that carry them, their scorecard and strategies.
from . import crm_channel
from . import crm_channel_assignment_mixin
from . import sale_order
from . import account_move
from . import res_partner
from . import crm_channel_criterion
from . import crm_channel_estimate
from . import crm_channel_evaluation
from . import crm_channel_strategy_line
from . import crm_channel_strategy
