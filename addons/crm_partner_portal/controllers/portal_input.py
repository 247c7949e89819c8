"""What a vendor types or puts in a URL, parsed before it reaches the ORM: a value PostgreSQL or Odoo's
rounding cannot take (an id beyond int4, 1e308, a NUL character) is refused here with a readable message
instead of failing in a query with a 500."""
import datetime
import math

from odoo.http import request

PG_INT_MAX = 2**31 - 1  # ids, pages and day counts are PostgreSQL int4 columns
MAX_NUMBER = 1e12  # a typed quantity or price beyond this is a typing error (and overflows Odoo's rounding)
MAX_SEARCH = 100


ECHO_LIMIT = 40  # characters of a typed number or date given back in the form after a refusal
REASON_LIMIT = 2000


class SupplierInputError(Exception):
    """Bad input from the vendor: answered with HTTP 400 and the message, nothing written. ``errors`` maps a
    form field's name to the message shown next to that field (empty when the form as a whole is wrong)."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = dict(errors or {})


class _FieldErrors:
    """Collects one message per form field, so that every bad field of a form is marked at once."""

    def __init__(self):
        self.by_field = {}

    def run(self, field, parse, *args, **kwargs):
        """``parse(*args, **kwargs)``, or None with the message kept for ``field``."""
        try:
            return parse(*args, **kwargs)
        except SupplierInputError as e:
            self.by_field.setdefault(field, str(e))
            return None

    def add(self, field, message):
        self.by_field.setdefault(field, message)

    def raise_if_any(self):
        if self.by_field:
            count = len(self.by_field)
            first = next(iter(self.by_field.values()))
            message = first if count == 1 else request.env._(
                "%(count)s fields need a correction; %(first)s", count=count, first=first)
            raise SupplierInputError(message, self.by_field)


def echo_values(form, keep, limits=None):
    """The typed values of the fields ``keep(name)`` accepts, to fill the form in again after a refusal:
    control characters dropped and each value cut to its input's length (a 10 MB value is not echoed)."""
    limits = limits or {}
    values = {}
    for name, raw in form.items():
        if not isinstance(raw, str) or not keep(name):
            continue
        limit = limits.get(name.split("-")[0], ECHO_LIMIT)
        values[name] = "".join(char for char in raw[:limit] if char >= " " or char == "\n")
    return values


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


def parse_number(raw, refusal, zero=True):
    """The one parser of a typed quantity, price or amount: a finite number ≥ 0 (> 0 unless ``zero``), with a
    comma or a dot as decimal separator. ``refusal`` is the message for a value out of that range."""
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise SupplierInputError(request.env._("“%(value)s” is not a number.", value=str(raw)[:ECHO_LIMIT])) from None
    if math.isfinite(value) and abs(value) > MAX_NUMBER:
        raise SupplierInputError(request.env._("“%(value)s” is too large.", value=str(raw)[:ECHO_LIMIT]))
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise SupplierInputError(refusal)
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
    """A typed day, as the date inputs send it: YYYY-MM-DD."""
    try:
        return datetime.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise SupplierInputError(
            request.env._("“%(value)s” is not a date (expected YYYY-MM-DD).", value=str(raw)[:ECHO_LIMIT])) from None


# ---------------------------------------------------------------------- the supplier portal's forms
def parse_commit_form(lines, form, today, max_splits):
    """The order page's answer form: {purchase.order.line: [vals]} (see ``_crm_register_supplier_commits``).

    :param lines: {str(line id): line} of the order's product lines
    :param form: the posted fields: qty-<line>-<n> / date-<line>-<n> (n < max_splits, empty rows ignored),
        or reject-<line>=1 with reason-<line>
    All or nothing: a form naming another line fails as a whole, bad values are reported per field."""
    splits = {str(n) for n in range(max_splits)}
    refusal = request.env._("A committed quantity must be a positive number.")
    rows = {}
    for key, raw in form.items():
        parts = key.split("-")
        if parts[0] not in ("qty", "date", "reject", "reason"):
            continue
        if len(parts) < 2 or parts[1] not in lines:
            raise SupplierInputError(request.env._("The form names a line that is not on this order."))
        row = rows.setdefault(parts[1], {})
        if parts[0] in ("qty", "date"):
            if len(parts) != 3 or parts[2] not in splits:
                raise SupplierInputError(request.env._("Malformed form field."))
            row.setdefault(parts[2], {})[parts[0]] = raw.strip()
        else:
            row[parts[0]] = raw
    errors, result = _FieldErrors(), {}
    for line_key, data in rows.items():
        line = lines[line_key]
        if data.get("reject"):
            field = f"reason-{line_key}"
            reason = errors.run(field, check_text, (data.get("reason") or "").strip(), request.env._("reason"),
                                REASON_LIMIT)
            if reason == "":
                errors.add(field, request.env._("Give a reason to reject %(product)s.", product=line.name[:80]))
            elif reason:
                result[line] = [{"kind": "reject", "reason": reason, "quantity": 0.0}]
            continue
        commits = []
        for n in sorted(k for k in data if k.isdigit()):
            row, qty_field, date_field = data[n], f"qty-{line_key}-{n}", f"date-{line_key}-{n}"
            if not row.get("qty") and not row.get("date"):
                continue
            if not row.get("qty") or not row.get("date"):
                errors.add(qty_field if not row.get("qty") else date_field,
                           request.env._("Each delivery needs a quantity and a date."))
                continue
            quantity = errors.run(qty_field, parse_number, row["qty"], refusal, zero=False)
            day = errors.run(date_field, parse_date, row["date"])
            if day and day < today:
                errors.add(date_field, request.env._("A committed date cannot be in the past."))
            elif quantity and day:
                commits.append({"kind": "commit", "quantity": quantity, "date_commit": day})
        if commits:
            result[line] = commits
    errors.raise_if_any()
    if not result:
        raise SupplierInputError(request.env._("Nothing to commit: fill in a quantity and a date, or reject a line."))
    return result


def parse_forecast_form(lines, form):
    """The forecast page's form: {crm.supplier.forecast.line: quantity} of the buckets the vendor filled in.

    :param lines: {str(line id): line} of the forecast
    :param form: commit-<line id> = committed quantity (empty: unchanged, 0 withdraws a commitment)"""
    refusal = request.env._("A committed quantity must be a positive number.")
    errors, updates = _FieldErrors(), {}
    for key, raw in form.items():
        if not key.startswith("commit-"):
            continue
        line = lines.get(key[len("commit-"):])
        if line is None:
            raise SupplierInputError(request.env._("The form names a bucket that is not in this forecast."))
        raw = raw.strip()
        if not raw:
            continue
        qty = errors.run(key, parse_number, raw, refusal)
        if qty is not None:
            updates[line] = qty
    errors.raise_if_any()
    if not updates:
        raise SupplierInputError(request.env._("Nothing to commit: enter a quantity in a week."))
    return updates


def parse_stock_form(infos, form, max_delay):
    """The stock page's form: {str(info id): {qty_available, delay, min_qty, price}} of the filled rows.

    :param infos: {str(product.supplierinfo id): record} of the vendor
    :param form: qty-<id>, delay-<id>, minqty-<id>, price-<id>; empty rows are skipped"""
    rows = {}
    for key, raw in form.items():
        prefix, _sep, info_key = key.partition("-")
        if prefix not in ("qty", "delay", "minqty", "price"):
            continue
        if info_key not in infos:
            raise SupplierInputError(request.env._("The form names a product you do not supply."))
        if raw.strip():
            rows.setdefault(info_key, {})[prefix] = raw.strip()
    refusal = request.env._("Quantities and prices must be positive numbers.")
    errors, result = _FieldErrors(), {}
    for info_key, row in rows.items():
        for required in ("qty", "delay"):
            if required not in row:
                errors.add(f"{required}-{info_key}",
                           request.env._("Give at least the available quantity and the lead time."))
        values = {
            "qty_available": errors.run(f"qty-{info_key}", parse_number, row.get("qty", "0"), refusal),
            "delay": errors.run(f"delay-{info_key}", parse_days, row.get("delay", "0"), max_delay),
            "min_qty": errors.run(f"minqty-{info_key}", parse_number, row.get("minqty", "0"), refusal),
            "price": errors.run(f"price-{info_key}", parse_number, row.get("price", "0"), refusal),
        }
        result[info_key] = values
    errors.raise_if_any()
    if not result:
        raise SupplierInputError(request.env._("Nothing to send: fill in a product's row."))
    return result
