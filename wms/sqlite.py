"""SQLite settings for the embedded mode: WAL so the web server and the worker read while one
writes, a busy timeout instead of 'database is locked', foreign keys enforced, and
synchronous=NORMAL (in WAL mode a crash of the app loses nothing; only a power cut can lose the
last commits), and a 32 MB page cache per connection."""

# A bulk import touches many index pages. 64 MB held the whole import's cache in the job's memory
# (bench/import_orders.py, 100k orders: peak RSS 405.9 MB against the 400 MB bar); 32 MB: 369 MB at
# the same writer CPU (14.5 / 14.5 CPU-s, interleaved runs, 2026-12-07), 16 MB: 350 MB, slower.
PAGE_CACHE_KIB = 32 * 1024


def configure_connection(dbapi_connection, _record):
    """Every new connection (listener on Engine "connect", wms.listeners); only SQLite's are changed."""
    if type(dbapi_connection).__module__.split(".")[0] != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    cursor.close()
