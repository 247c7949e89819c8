from . import xlsx
from . import locks
