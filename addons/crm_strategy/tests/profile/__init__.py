from . import test_crm_customer_measure
