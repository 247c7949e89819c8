from odoo import api, fields, models

from ...tools.limits import MAX_NAME_LENGTH, check_text_lengths


class CrmProfileTag(models.Model):
    """Psychographic profile: what a customer is interested in, values and how they live."""

    _name = "crm.profile.tag"
    _description = "Psychographic Profile Tag"
    _order = "tag_type, name"

    name = fields.Char(required=True, translate=True)
    tag_type = fields.Selection(
        [("interest", "Interest"), ("value", "Value"), ("lifestyle", "Lifestyle")],
        string="Type", required=True, default="interest",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _name_type_uniq = models.Constraint("UNIQUE(name, tag_type)", "This tag already exists.")

    @api.constrains("name")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH})
