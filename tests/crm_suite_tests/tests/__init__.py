from . import test_install
from . import test_uninstall
from . import test_access_matrix
from . import test_portal_isolation
from . import test_cron_resume
from . import test_concurrent_refresh
from . import test_interrupted_refresh
from . import test_portal_surface
