"""`python -m wms.imports.peek PATH FILENAME ROWS`: a file's headers and first rows as one JSON line.

The web process runs this (wms.imports.sources.peek) for an XLSX whose distinct texts would take
much memory to load: the child's memory is bounded and freed when it exits. A file that cannot be
read prints {"error": the reason}.
"""
import json
import sys

from wms.errors import ValidationFailed
from wms.imports.sources import peek_here


def main(argv):
    path, filename, rows = argv[1], argv[2] or None, int(argv[3])
    try:
        headers, found = peek_here(path, filename, rows)
        answer = {"headers": headers, "rows": found}
    except ValidationFailed as error:
        answer = {"error": error.message}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
