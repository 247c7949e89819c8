from . import test_portal_access
from . import test_supplier_commit
from . import test_supplier_forecast
from . import test_portal_orders
from . import test_portal_forecast
from . import test_portal_tours
