import logging
import time

from odoo import api, models

_logger = logging.getLogger(__name__)

# Demo records are history, not news: no tracking values, no chatter entries.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


class CrmDemoWriter(models.AbstractModel):
    """How each addon writes its part of the demo company: once, from its demo data file, as superuser and
    without chatter, saying in the log what it wrote and how long it took. Never called over RPC (private)."""

    _name = "crm.demo.writer"
    _description = "CRM Demo Data Writer"

    @api.model
    def _generate_demo_data(self):
        started = time.monotonic()
        written = self.sudo().with_context(**QUIET)._demo_write()
        _logger.info("%s: %s in %.1f s", self._description, written, time.monotonic() - started)

    def _demo_write(self):
        """Write the demo records; return what was written, in words, for the log."""
        raise NotImplementedError
