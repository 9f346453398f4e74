"""The desk's session cookie, not rewritten by a page's background reads.

A permanent session's cookie is sent again with every response (its expiry slides). A page that refreshes itself
(the review queue's JSON poll, pushed events) may have a read in flight while its user posts a form: the read's
answer, if it arrives after the post's, puts back the cookie as it was before the post - without the post's flash
message ("Approved 2, skipped 0"), which the redirected page then never shows. A GET that asks for JSON and did not
change the session therefore sends no cookie; pages and posts slide it as before.
"""
from flask import request
from flask.sessions import SecureCookieSessionInterface


class DeskSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session):
        if not session.modified and request.method == "GET" and \
                request.accept_mimetypes.best == "application/json":
            return False
        return super().should_set_cookie(app, session)
