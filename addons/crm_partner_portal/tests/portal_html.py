"""Reading the supplier portal's pages in tests: what a vendor sees, not the raw HTML."""
import re

from lxml import html

# en_US, the language of the test users: Odoo's date format %m/%d/%Y, with the year
DAY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
MONTH = re.compile(r"^[A-Z][a-z]{2} \d{4}$")


def tree(response):
    return html.fromstring(response.text)


def texts(response, xpath):
    return [" ".join(node.text_content().split()) for node in tree(response).xpath(xpath)]


def has_class(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def dates_shown(response):
    """Every date the page shows (the spans marked o_crm_date_value)."""
    return texts(response, f"//*[{has_class('o_crm_date_value')}]")


def input_of(response, name):
    """The <input> of a form field, or None."""
    found = tree(response).xpath(f"//input[@name='{name}']")
    return found[0] if found else None


def field_error(response, name):
    """The message shown next to a form field, or None."""
    found = texts(response, f"//*[{has_class('o_crm_field_error')}][@data-field='{name}']")
    return found[0] if found else None
