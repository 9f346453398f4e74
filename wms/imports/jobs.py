"""rq entry points of imports: they take ids and call one service."""
from wms.imports import file_run
from wms.worker import job


@job
def run_import(job_id):
    """Run an uploaded file's import (queued by wms.imports.file_upload.start_file_import)."""
    file_run.run_file_import(job_id)
