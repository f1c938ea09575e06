"""Tables written as spreadsheets: CSV (UTF-8 with a byte-order mark, so that Excel reads the
Chinese) or an XLSX workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook

TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def write_table(
    out: IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fmt: str,
    sheet_name: str,
) -> None:
    """Write a header and rows to a binary stream as ``fmt`` ("csv" or "xlsx")."""
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(out)
