from . import test_crm_segment
from . import test_crm_segment_refresh
from . import test_crm_segment_sql
