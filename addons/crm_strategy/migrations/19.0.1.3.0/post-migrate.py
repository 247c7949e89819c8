"""The profitability action rules shipped before the playbooks (noupdate records) get the action a click on
Apply Suggestion carries out; rules a user already typed are left alone."""
from odoo.tools import SQL

ACTION_TYPES = {
    "pnl_action_discounts": "cut_discount",
    "pnl_action_service": "lower_service",
    "pnl_action_channel": "cheaper_channel",
    "pnl_action_reprice": "reprice",
}


def migrate(cr, version):
    for name, action_type in ACTION_TYPES.items():
        cr.execute(SQL(
            """
            UPDATE crm_pnl_action_rule r
               SET action_type = %(type)s,
                   service_level = CASE WHEN %(type)s = 'lower_service' THEN COALESCE(r.service_level, 'basic')
                                        ELSE r.service_level END
              FROM ir_model_data d
             WHERE d.module = 'crm_strategy' AND d.model = 'crm.pnl.action.rule' AND d.name = %(name)s
               AND d.res_id = r.id AND r.action_type IS NULL
            """, type=action_type, name=name))
