from . import crm_segment_playbook
from . import crm_playbook_log
