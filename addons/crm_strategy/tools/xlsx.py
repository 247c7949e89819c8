"""XLSX helpers shared by the suite's exports: formatted, frozen header, autofilter, and no
cell a spreadsheet would run as a formula."""
import io

import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def build_workbook(sheets, constant_memory=False):
    """Write ``sheets`` — a list of (title, columns, rows) where columns are (header, kind)
    with kind in {'text', 'money', 'int', 'float', 'date', 'pct'} — and return the file bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": not constant_memory, "constant_memory": constant_memory,
        "strings_to_formulas": False, "strings_to_urls": False, "remove_timezone": True,
    })
    header = workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1, "text_wrap": True})
    formats = {
        "text": None,
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "float": workbook.add_format({"num_format": "#,##0.00"}),
        "int": workbook.add_format({"num_format": "0"}),
        "pct": workbook.add_format({"num_format": "0.00"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    for title, columns, rows in sheets:
        sheet = workbook.add_worksheet(safe_cell(title)[:31])
        for col, (label, kind) in enumerate(columns):
            sheet.write_string(0, col, label, header)
            sheet.set_column(col, col, 28 if kind == "text" else 14)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, ((_label, kind), value) in enumerate(zip(columns, row, strict=True)):
                if value is None or value is False:
                    sheet.write_blank(count, col, None)
                elif kind == "date":
                    sheet.write_datetime(count, col, value, formats["date"])
                elif kind == "text":
                    sheet.write_string(count, col, str(safe_cell(value)))
                else:
                    sheet.write_number(count, col, value, formats[kind])
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    workbook.close()
    return buffer.getvalue()
