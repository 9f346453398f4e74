"""The handheld's offline shell: the files service-worker.js precaches, and the version they make.

The version (the service worker's cache name) is a hash of the worker's own source and of every file
in its SHELL list, computed when the worker is served: a deploy that changes any shell file gives the
devices a new cache and the "A new version is ready" prompt, a deploy that changes none leaves their
caches alone, and nobody bumps a constant by hand. The entries the server renders (the /app page, the
manifest) are hashed from what makes them; the caller passes those bytes. A file's hash is kept while
its size and modification time stay the same, so serving the worker does not re-read the 1 MB wasm.
"""
import hashlib
import logging
import re
from functools import lru_cache
from pathlib import Path

STATIC_PREFIX = "/static/"
_SHELL = re.compile(r"^const SHELL = \[(.*?)\];", re.S | re.M)
_VERSION = re.compile(r'^const VERSION = "[^"]*";', re.M)
log = logging.getLogger("wms.handheld")


def shell_urls(worker_source):
    """The URLs in the worker's `const SHELL = [...]` list, in order."""
    match = _SHELL.search(worker_source)
    if match is None:
        raise ValueError("service-worker.js has no `const SHELL = [...]` list")
    return re.findall(r'"([^"]+)"', match.group(1))


def shell_version(worker_source, static_dir, generated):
    """`wms-shell-` and 16 hex digits of SHA-256 over the worker's source and each shell URL's content.

    `generated` maps the URLs the server renders to the bytes they are made from; every other URL
    must be a file under /static/. A listed file that is missing is hashed as missing (the worker's
    install fails on it and a test names it; the app page must still load)."""
    digest = hashlib.sha256(worker_source.encode("utf-8"))
    for url in shell_urls(worker_source):
        digest.update(url.encode("utf-8") + b"\0")
        if url in generated:
            digest.update(hashlib.sha256(generated[url]).digest())
        elif url.startswith(STATIC_PREFIX):
            digest.update(_file_digest(Path(static_dir) / url[len(STATIC_PREFIX):]))
        else:
            raise ValueError(f"the shell lists {url}: neither a static file nor a page the server hashes")
    return "wms-shell-" + digest.hexdigest()[:16]


def render_worker(worker_source, version):
    """The worker's source with its VERSION constant set to `version`."""
    rendered, found = _VERSION.subn(f'const VERSION = "{version}";', worker_source, count=1)
    if not found:
        raise ValueError('service-worker.js has no `const VERSION = "...";` line')
    return rendered


def _file_digest(path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        log.warning("shell file missing: %s", path)
        return b"missing"
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=128)
def _digest(path, mtime_ns, size):
    return hashlib.sha256(Path(path).read_bytes()).digest()
