"""Pure-Python maths for CRM analytics.

Kept free of any Odoo import so the statistics can be read, reviewed and tested on their own;
the Odoo models only feed arrays in and store the results.
"""
