from . import portal_home
from . import portal_orders
from . import portal_bills
from . import portal_forecast
from . import portal_stock
from . import portal_scorecard
from . import portal_distributor
