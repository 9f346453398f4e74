"""rq entry points of imports: they take ids and call one service."""
from wms.imports import files
from wms.worker import job


@job
def run_import(job_id):
    """Run an uploaded file's import (queued by wms.imports.uploads.start_file_import)."""
    files.run_file_import(job_id)
