"""The portal's answers refused by a model, with the records they are about."""
from odoo.exceptions import ValidationError


class SupplierAnswerError(ValidationError):
    """A vendor's answer a model refuses because of some of its records (a forecast week, a pricelist line):
    ``records`` lets the portal show the message next to those records' fields."""

    def __init__(self, message, records):
        super().__init__(message)
        self.records = records
