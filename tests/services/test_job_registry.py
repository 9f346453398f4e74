"""Jobs live in their feature's jobs.py and are enqueued by that function or by its declared path,
never by a dotted path into some feature's services; every such path is written once, in wms/job_names.py."""
import ast
import importlib
import re
from pathlib import Path

import pytest

from wms import job_names, schedule, worker
from wms.admin.job_titles import TITLES
from wms.worker import JOBS, QueuedJob, enqueue

WMS = Path(__file__).resolve().parents[2] / "wms"


def test_every_declared_job_is_a_function_of_a_features_jobs_py(app):
    assert JOBS, "create_app imports every jobs.py"
    assert sorted(path for path in JOBS if path.rsplit(".", 2)[-2] != "jobs") == []
    assert {"wms.inventory.jobs.allocate_orders", "wms.review.jobs.review_orders"} <= set(JOBS)


def test_every_function_of_a_jobs_py_is_declared(app):
    undeclared = []
    for path in WMS.glob("*/jobs.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                name = f"wms.{path.parent.name}.jobs.{node.name}"
                if name not in JOBS:
                    undeclared.append(name)
    assert undeclared == []


def test_every_name_in_job_names_is_a_job_function_of_a_features_jobs_py(app):
    names = {constant: value for constant, value in vars(job_names).items() if not constant.startswith("_")}
    assert len(names) >= 20, "the names are read from wms.job_names"
    wrong = [f"{constant} = {path!r}" for constant, path in sorted(names.items())
             if not (constant.isupper() and isinstance(path, str) and path in JOBS and imports_as_that_job(path))]
    assert wrong == []


def imports_as_that_job(path):
    """The path, imported as wms.worker.run_job imports it, gives the function its jobs.py declared."""
    module, _, function = path.rpartition(".")
    return module.endswith(".jobs") and getattr(importlib.import_module(module), function, None) is JOBS[path]


def test_a_job_path_is_written_only_in_job_names():
    """Everywhere else uses the constant (or the function itself), so a renamed job changes one line."""
    job_path = re.compile(r"wms\.\w+\.jobs\.\w+")
    written = [f"{path.relative_to(WMS.parent)}: {node.value}"
               for path in WMS.rglob("*.py") if path != WMS / "job_names.py"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Constant) and isinstance(node.value, str) and job_path.fullmatch(node.value)]
    assert written == []


def test_every_periodic_job_is_declared_but_the_core_outbox_sweep(app):
    assert [path for _every, path in schedule.PERIODIC if path != schedule.SWEEP and path not in JOBS] == []


def test_every_titled_job_is_declared_or_a_row_queued_before_it_moved(app):
    moved = {"wms.review.services.review_orders", "wms.inventory.services.allocate_orders",
             "wms.inventory.services.retry_backorders"}
    assert sorted(set(TITLES) - set(JOBS) - moved) == []


def test_a_path_no_jobs_py_declared_is_refused_and_nothing_is_written(app, db):
    with pytest.raises(LookupError, match="wms.inventory.services.allocate_orders"):
        enqueue("wms.inventory.services.allocate_orders", [1])
    assert db.session.query(QueuedJob).count() == 0


def test_a_declared_path_is_recorded_as_it_is_named(app, db, monkeypatch):
    monkeypatch.setattr(worker, "_push", lambda *args: None)
    job = enqueue("wms.review.jobs.review_orders", [1, 2])
    assert (job.func, job.args) == ("wms.review.jobs.review_orders", [[1, 2]])


def test_no_code_in_wms_enqueues_a_dotted_path_outside_a_jobs_py():
    """A literal given to enqueue (or kept in a constant it is given) names a jobs.py function."""
    wrong = []
    for path in WMS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("wms.") \
                    and node.value.count(".") >= 3 and node.value.rsplit(".", 2)[-2] in ("services", "rules"):
                wrong.append(f"{path.relative_to(WMS.parent)}: {node.value}")
    allowed = {"wms/admin/job_titles.py"}  # titles of rows queued before the jobs moved
    assert [line for line in wrong if line.split(":")[0] not in allowed] == []
