"""The HTTP session an adapter calls its platform with: one per adapter (so one per push thread of a run),
its connections kept alive and pooled, the environment read once.

requests reads the environment (HTTP(S)_PROXY and NO_PROXY, ~/.netrc, REQUESTS_CA_BUNDLE) again on every
call while `trust_env` is on - about a third of the client's CPU for a small stock call, and a stock run
makes thousands. An adapter talks to one host, and a run's environment does not change, so the session
takes the proxies that apply to that host and the CA bundle once, when it is made, and stops looking.
Platforms authenticate with their own tokens and signatures, never with netrc.
"""
import os

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

POOL_SIZE = 16  # connections kept per host: more than a push run's calls side by side


def platform_session(url, pool_size=POOL_SIZE):
    """A requests.Session for calls to `url`'s host, with the environment's settings for it read now."""
    session = requests.Session()
    if url:
        session.proxies.update(get_environ_proxies(url))  # {} when NO_PROXY exempts the host
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False
    pooled = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    session.mount("http://", pooled)
    session.mount("https://", pooled)
    return session
