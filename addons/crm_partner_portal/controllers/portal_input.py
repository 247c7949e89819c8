"""What a vendor types or puts in a URL, parsed before it reaches the ORM: a value PostgreSQL or Odoo's
rounding cannot take (an id beyond int4, 1e308, a NUL character) is refused here with a readable message
instead of failing in a query with a 500."""
import datetime
import math

from odoo.http import request

PG_INT_MAX = 2**31 - 1  # ids, pages and day counts are PostgreSQL int4 columns
MAX_NUMBER = 1e12  # a typed quantity or price beyond this is a typing error (and overflows Odoo's rounding)
MAX_SEARCH = 100


class SupplierInputError(Exception):
    """Bad input from the vendor: answered with HTTP 400 and the message, nothing written."""


def parse_id(raw):
    """A record id or page number (path or query string): a positive int4, else None (the caller answers 404
    or falls back to the first page). Digits only: no sign, decimals, exponent or non-ASCII digits."""
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10:
        value = int(raw)
    else:
        return None
    return value if 0 < value <= PG_INT_MAX else None


def parse_token(raw):
    """An access token as Odoo's ``consteq`` can compare it (ASCII text), else None: no token."""
    return raw if isinstance(raw, str) and raw.isascii() else None


def clean_search(raw):
    """A search term for an ``ilike``: text without NUL (PostgreSQL refuses it), 100 characters at most."""
    return raw.replace("\x00", "").strip()[:MAX_SEARCH] if isinstance(raw, str) else ""


def check_text(raw, label, limit):
    """Free text the vendor types (a reason): at most ``limit`` characters, no NUL."""
    if len(raw) > limit:
        raise SupplierInputError(request.env._("The %(label)s is too long (%(limit)s characters at most).",
                                               label=label, limit=limit))
    if "\x00" in raw:
        raise SupplierInputError(request.env._("The %(label)s contains a character that is not text.", label=label))
    return raw


def _parse_number(raw):
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise SupplierInputError(request.env._("“%(value)s” is not a number.", value=str(raw)[:40])) from None
    if math.isfinite(value) and abs(value) > MAX_NUMBER:
        raise SupplierInputError(request.env._("“%(value)s” is too large.", value=str(raw)[:40]))
    return value


def parse_quantity(raw):
    """A committed quantity: a finite number > 0."""
    value = _parse_number(raw)
    if not math.isfinite(value) or value <= 0:
        raise SupplierInputError(request.env._("A committed quantity must be a positive number."))
    return value


def parse_amount(raw):
    """A finite number ≥ 0 (zero allowed: no stock, no minimum, no price)."""
    value = _parse_number(raw)
    if not math.isfinite(value) or value < 0:
        raise SupplierInputError(request.env._("Quantities and prices must be positive numbers."))
    return value


def parse_days(raw, maximum):
    """A whole number of days between 0 and ``maximum`` (a lead time)."""
    raw = str(raw).strip()
    if not (raw.isascii() and raw.isdigit()):
        raise SupplierInputError(request.env._("The lead time is a whole number of days."))
    if len(raw.lstrip("0")) > 10 or int(raw) > maximum:  # the length first: int() of 10k digits raises
        raise SupplierInputError(request.env._("The lead time must be between 0 and %(max)s days.", max=maximum))
    return int(raw)


def parse_date(raw):
    try:
        return datetime.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise SupplierInputError(
            request.env._("“%(value)s” is not a date (expected YYYY-MM-DD).", value=str(raw)[:40])) from None
