from . import xlsx
from . import locks
from . import limits
from . import pg
from . import access
from . import notify
