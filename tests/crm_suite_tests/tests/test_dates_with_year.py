"""Every date on the suite's screens shows its year (issue 16, item 5). Odoo's lists and kanbans write a date
of the current year as "Dec 1" unless the field says `options="{'numeric': true}"`; forms, pivots and graphs
show the year already. So every date or datetime field in a list or kanban of the suite's own views,
embedded lists included, must be numeric."""
from lxml import etree

from odoo.tests import TransactionCase, tagged

from .common import require_suite

SUITE = ("crm_strategy", "crm_analytics", "crm_partner_portal", "crm_strategy_mass_mailing")
# widgets that do not print a date (a countdown, a badge of days)
NOT_DATES = {"remaining_days"}


@tagged("post_install", "-at_install")
class TestDatesWithYear(TransactionCase):
    def test_lists_and_kanbans_show_the_year(self):
        require_suite(self.env)
        data = self.env["ir.model.data"].search([("model", "=", "ir.ui.view"), ("module", "in", SUITE)])
        views = self.env["ir.ui.view"].browse(data.mapped("res_id")).filtered(
            lambda v: v.mode == "primary" and v.type in ("list", "kanban", "form") and v.model in self.env)
        self.assertGreater(len(views), 30)
        missing, checked = [], 0
        for view in views:
            arch = etree.fromstring(self.env[view.model].get_view(view.id, view.type)["arch"])
            for model, node in self._date_nodes(arch, self.env[view.model], arch.tag in ("list", "kanban")):
                checked += 1
                options = node.get("options") or ""
                if "numeric" not in options.replace(" ", "").replace('"', "'"):
                    missing.append(f"{view.xml_id or view.name}: {model}.{node.get('name')}")
        self.assertGreater(checked, 10, "dates were found")
        self.assertFalse(missing, "dates shown without their year:\n" + "\n".join(missing))

    def _date_nodes(self, node, model, in_list):
        """(model name, field node) of each date shown in a list or kanban under ``node``."""
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "field":
                field = model._fields.get(child.get("name"))
                if field and field.type in ("one2many", "many2many"):
                    for sub in child:
                        if isinstance(sub.tag, str) and sub.tag in ("list", "kanban", "form"):
                            yield from self._date_nodes(sub, self.env[field.comodel_name], sub.tag != "form")
                    continue
                if (in_list and field and field.type in ("date", "datetime")
                        and child.get("widget") not in NOT_DATES and child.get("column_invisible") not in ("1", "True")
                        and child.get("invisible") not in ("1", "True")):
                    yield model._name, child
            yield from self._date_nodes(child, model, in_list)
