from . import crm_supplier_commit
from . import purchase_order
from . import purchase_order_line
