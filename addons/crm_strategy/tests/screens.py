"""Screenshots of the suite's screens for review, taken by the browser tests of `make test`: a page that logs
`screenshot:<name>` on the console is saved as <CRM_SCREENS_DIR>/<name>.png (`make test` sets .state/screens)."""
import base64
import logging
import os
import pathlib
import re
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser

_logger = logging.getLogger(__name__)

SCREENS = pathlib.Path(os.environ.get("CRM_SCREENS_DIR") or pathlib.Path(__file__).resolve().parents[3]
                       / ".state" / "screens")


def screenshots_on_signal(folder):
    """Patch the test browser so that `console.log("screenshot:<name>")` saves the page as <folder>/<name>.png."""
    original = ChromeBrowser._handle_console

    def handle_console(browser, type, args=None, **kw):
        text = str(browser._from_remoteobject(args[0])) if args else ""
        if type == "log" and text.startswith("screenshot:"):
            name = re.sub(r"[^\w.-]+", "-", text.split(":", 1)[1]).strip("-")

            def save(future):
                try:
                    (folder / f"{name}.png").write_bytes(base64.b64decode(future.result(timeout=0)["data"]))
                except Exception:
                    _logger.warning("no screenshot of %s", name)

            future = browser._websocket_send("Page.captureScreenshot", with_future=True)
            if future:
                future.add_done_callback(save)
        return original(browser, type, args, **kw)

    folder.mkdir(parents=True, exist_ok=True)
    return patch.object(ChromeBrowser, "_handle_console", handle_console)
