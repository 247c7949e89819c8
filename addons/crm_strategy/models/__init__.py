# What every concern reads: the one definition of sales (and the posting of the invoices it reads, and the
# channel of each, kept in a table of its own), the rules typed as domains and the reports read from SQL views.
from . import crm_domain_rule_mixin
from . import crm_report_view
from . import crm_channel_assignment
from . import crm_sales_fact
from . import account_move
# The concerns, each in a folder of its own, in the order they build on one another: customers are
# profiled and measured, grouped into segments, sold to through channels, costed in the customer P&L,
# and given a strategy.
from . import profile
from . import segment
from . import channel
from . import pnl
from . import strategy
# Playbooks close the loop: the levers segments and P&L decisions pull on the customers, logged and undoable.
from . import playbook
from . import crm_demo_writer
from . import crm_demo_data
