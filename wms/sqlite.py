"""SQLite settings for the embedded mode: WAL so the web server and the worker read while one
writes, a busy timeout instead of 'database is locked', foreign keys enforced, and
synchronous=NORMAL (in WAL mode a crash of the app loses nothing; only a power cut can lose the
last commits), and a 64 MB page cache per connection."""


def configure_connection(dbapi_connection, _record):
    """Every new connection (listener on Engine "connect", wms.listeners); only SQLite's are changed."""
    if type(dbapi_connection).__module__.split(".")[0] != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MB page cache: bulk imports touch many index pages
    cursor.close()
