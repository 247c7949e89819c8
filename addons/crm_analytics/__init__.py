from . import models
from . import wizards


def uninstall_hook(env):
    """The Customer Strategy app opened on this module's dashboard: it opens on the segments again."""
    menu = env.ref("crm_strategy.crm_strategy_menu_root", raise_if_not_found=False)
    segments = env.ref("crm_strategy.crm_segment_action", raise_if_not_found=False)
    if menu and segments:
        menu.action = segments
