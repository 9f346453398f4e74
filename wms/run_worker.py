"""Entry point: `python -m wms.run_worker` runs one rq worker (see wms/worker.py)."""
from wms.worker import main

if __name__ == "__main__":
    main()
