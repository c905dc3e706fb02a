"""Tables people download: CSV (with a BOM, so spreadsheet programs read UTF-8) or XLSX, with
every text cell kept from being read as a formula."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text a spreadsheet will not run as a formula (names are typed by people)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def table_response(
    rows: Iterable[Sequence], *, fmt: str, filename: str, sheet_title: str
) -> HttpResponse:
    """The rows (the first one the header) as a CSV or XLSX attachment."""
    rows = [[safe_cell(cell) for cell in row] for row in rows]
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        csv.writer(response).writerows(rows)
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
