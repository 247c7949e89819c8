# Segments along the segment-management continuum, and their members.
from . import crm_segment
from . import crm_segment_member
from . import crm_segment_history
from . import crm_segment_product_abc
from . import res_config_settings
from . import res_partner
