from . import crm_supplier_commit
from . import crm_supplier_forecast
from . import crm_supplier_forecast_line
from . import purchase_order
from . import purchase_order_line
