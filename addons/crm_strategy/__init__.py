from odoo.tools.sql import column_exists, create_column

from . import models
from . import tools
from . import wizards


def pre_init_hook(env):
    """No channel exists at install: create the channel columns empty instead of letting the ORM compute
    them for every existing order and invoice (slow on a large database)."""
    for table in ("sale_order", "account_move"):
        if not column_exists(env.cr, table, "channel_id"):
            create_column(env.cr, table, "channel_id", "int4")
