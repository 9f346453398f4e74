"""Handing imported orders to the automatic review: a job per REVIEW_CHUNK ids, after the commit.

Its own module because the review desk sits above imports: it is asked for by the job name it
declared (wms.job_names.REVIEW_ORDERS), and only when it declared one (an install without it
imports orders unreviewed).
"""
from wms import job_names
from wms.worker import enqueue, is_job

REVIEW_CHUNK = 1000    # order ids per review job


def enqueue_review(order_ids):
    """Queue the automatic review of these orders (after commit), REVIEW_CHUNK ids per job."""
    if not order_ids or not review_available():
        return
    for start in range(0, len(order_ids), REVIEW_CHUNK):
        enqueue(job_names.REVIEW_ORDERS, order_ids[start:start + REVIEW_CHUNK])


def review_available():
    """True when the review desk declared its job (an install without it imports orders unreviewed)."""
    return is_job(job_names.REVIEW_ORDERS)
