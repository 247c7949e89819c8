from . import test_crm_strategy
