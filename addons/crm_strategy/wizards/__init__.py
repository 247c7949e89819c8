from . import crm_channel_strategy_comparison
from . import crm_channel_strategy_comparison_line
from . import crm_playbook_apply_wizard
from . import crm_playbook_apply_wizard_line
