"""Bounds of plausible input shared by the suite's constraints: a value outside them is a typing error
(wrong unit, extra zeros, wrong century), refused with a readable message instead of skewing every figure."""
from odoo import fields

FIRST_DATE = fields.Date.to_date("1970-01-01")  # no CRM record of the suite is older
MAX_AMOUNT = 1e12  # money, rates and weights: above it no company's figures make sense
