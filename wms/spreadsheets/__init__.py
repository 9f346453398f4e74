"""Reading uploaded spreadsheets (CSV and XLSX), below every feature that takes a file.

The order import (wms.imports) and the SKU import (wms.catalog) read their files through the same
readers, within the same limits and with the same sentences for a file they refuse. This package
imports no feature package (only wms.errors), so catalog and imports both sit on top of it and
neither has to import the other to read a file.

- readers.py    streaming rows of a CSV or XLSX, the upload limits (MAX_ROWS, MAX_COLUMNS...),
                encoding detection, a file's first rows for the pages (peek)
- xlsx_peek.py  pure: an XLSX's first rows without loading its shared strings table
"""
