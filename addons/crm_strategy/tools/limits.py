"""Bounds of plausible input shared by the suite's constraints: a value outside them is a typing error
(wrong unit, extra zeros, wrong century), refused with a readable message instead of skewing every figure."""
from odoo import fields
from odoo.exceptions import ValidationError

FIRST_DATE = fields.Date.to_date("1970-01-01")  # no CRM record of the suite is older
MAX_AMOUNT = 1e12  # money, rates and weights: above it no company's figures make sense
MAX_NAME_LENGTH = 256  # names and codes: what a list column, a report title or an export cell can show
MAX_TEXT_LENGTH = 100_000  # descriptions and rich text: a few pages


def check_text_lengths(records, limits):
    """Refuse texts longer than their limit ({field: characters}): a 10 MB paste in a name is an accident
    that every list, message and export would then carry."""
    for record in records:
        for name, limit in limits.items():
            value = record[name]
            if value and len(value) > limit:
                raise ValidationError(records.env._(
                    "%(field)s of %(model)s “%(record)s…” is too long: %(limit)s characters at most.",
                    field=records._fields[name].string, model=records._description,
                    record=str(record.display_name or "")[:40], limit=f"{limit:,}"))
