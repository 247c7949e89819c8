"""The analyses' workbooks: the suite's one writer (crm_strategy's ``Workbook``) plus native charts (P&L
waterfall, cohort retention) and a colour-scale heatmap. No cell is ever written as a formula from data."""

from odoo.addons.crm_strategy.tools.xlsx import Workbook, safe_cell


class AnalyticsWorkbook(Workbook):
    """Large sheets stream in ``constant_memory`` mode by default."""

    def __init__(self, env, companies=None, constant_memory=True):
        super().__init__(env, companies, constant_memory=constant_memory)

    def waterfall(self, title, steps):
        """The P&L waterfall: a table of the steps and a stacked column chart whose invisible base series lifts
        each bar to where the previous step ended."""
        columns = [("Step", "text"), ("Amount", "money"), ("Base", "money"), ("Up", "money"), ("Down", "money"),
                   ("Total", "money")]
        rows = []
        for label, amount, start, end, is_total in steps:
            low = min(start, end)
            if is_total:
                rows.append((label, amount, 0.0, 0.0, 0.0, end))
            elif end >= start:
                rows.append((label, amount, low, end - start, 0.0, 0.0))
            else:
                rows.append((label, amount, low, 0.0, start - end, 0.0))
        sheet, count = self.table(title, columns, rows)
        sheet.set_column(1, 5, 14, self.formats["money"])
        chart = self.book.add_chart({"type": "column", "subtype": "stacked"})
        name = sheet.get_name()
        for col, colour in ((2, None), (3, "#2E7D32"), (4, "#C62828"), (5, "#1565C0")):
            series = {"name": [name, 0, col], "categories": [name, 1, 0, count, 0],
                      "values": [name, 1, col, count, col], "gap": 50}
            series.update({"fill": {"none": True}, "border": {"none": True}} if colour is None else
                          {"fill": {"color": colour}})
            chart.add_series(series)
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        chart.set_size({"width": 720, "height": 400})
        sheet.insert_chart(count + 2, 0, chart)
        return sheet

    def heatmap(self, title, row_label, row_keys, col_keys, values, col_label="Age (months)"):
        """A matrix (rows x columns) with a 3-colour scale, and a line chart of each column's average."""
        sheet = self.add_sheet(title)
        sheet.set_column(0, 0, 14)
        sheet.write_string(0, 0, row_label, self.header)
        for col, key in enumerate(col_keys, start=1):
            sheet.write_string(0, col, f"{col_label} {key}", self.header)
        for row, key in enumerate(row_keys, start=1):
            sheet.write_string(row, 0, str(safe_cell(str(key))))
            for col, col_key in enumerate(col_keys, start=1):
                value = values.get((key, col_key))
                if value is None:
                    sheet.write_blank(row, col, None)
                else:
                    sheet.write_number(row, col, value, self.formats["pct"])
        last_row, last_col = max(len(row_keys), 1), max(len(col_keys), 1)
        sheet.conditional_format(1, 1, last_row, last_col, {
            "type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84", "max_color": "#63BE7B"})
        sheet.freeze_panes(1, 1)
        # averages per column below the matrix feed the chart
        avg_row = last_row + 2
        sheet.write_string(avg_row, 0, "Average", self.header)
        for col, col_key in enumerate(col_keys, start=1):
            column = [values[(key, col_key)] for key in row_keys if values.get((key, col_key)) is not None]
            if column:
                sheet.write_number(avg_row, col, sum(column) / len(column), self.formats["pct"])
        chart = self.book.add_chart({"type": "line"})
        name = sheet.get_name()
        chart.add_series({"name": "Average retention", "categories": [name, 0, 1, 0, last_col],
                          "values": [name, avg_row, 1, avg_row, last_col], "marker": {"type": "circle"}})
        chart.set_title({"name": title})
        chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
        chart.set_legend({"none": True})
        sheet.insert_chart(avg_row + 2, 0, chart)
        return sheet
