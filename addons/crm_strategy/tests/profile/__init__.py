from . import test_crm_customer_measure
from . import test_crm_customer_measure_sql
