"""What an import answers: each record's outcome (RecordResult) and a run's counts (ImportResult).

Its own module because every path reads them: the records' and the files' runs, the insert and
update paths that decide an outcome, and the report that lists them.
"""
from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
HELD, DUPLICATE = "held", "duplicate"   # created or updated on hold; a repeat of an earlier block


@dataclass
class RecordResult:
    external_id: str | None
    outcome: str
    order_id: int | None = None
    errors: list = field(default_factory=list)   # [{"field", "reason"} (+ "row" for files)]
    index: int | None = None
    flags: list = field(default_factory=list)    # [(field, reason)]: imported, but look at it


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    held: int = 0
    duplicate: int = 0
    results: list = field(default_factory=list)
    order_ids: list = field(default_factory=list)   # created and updated orders

    def add(self, result):
        setattr(self, result.outcome, getattr(self, result.outcome) + 1)
        self.results.append(result)
        if result.outcome in (CREATED, UPDATED, HELD):
            self.order_ids.append(result.order_id)
