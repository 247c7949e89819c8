# Playbooks: the levers (pricelist, payment terms, service level, salesperson, team, channel, activity plan)
# that segments and P&L decisions pull on their customers, previewed, logged and undoable; marketing consent.
from . import res_partner
from . import crm_marketing_consent
from . import crm_segment_playbook
from . import crm_segment
from . import crm_playbook_log
from . import crm_playbook_log_line
from . import crm_pnl_decision
from . import crm_pnl_decision_effect
from . import crm_customer_profitability
from . import sale_order
