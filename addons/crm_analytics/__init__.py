from . import models
from . import wizards


def uninstall_hook(env):
    """The Customer Strategy app opened on this module's dashboard: it opens on the segments again. The retention
    activities, done ones included (Odoo moves only the open ones), become To-Dos so that their type can go."""
    menu = env.ref("crm_strategy.crm_strategy_menu_root", raise_if_not_found=False)
    segments = env.ref("crm_strategy.crm_segment_action", raise_if_not_found=False)
    if menu and segments:
        menu.action = segments
    retention = env.ref("crm_analytics.mail_activity_type_retention", raise_if_not_found=False)
    todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
    if retention and todo:
        env["mail.activity"].with_context(active_test=False).search(
            [("activity_type_id", "=", retention.id)]).write({"activity_type_id": todo.id})
