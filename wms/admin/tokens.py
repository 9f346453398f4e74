"""Admin use cases for integration API tokens: list, create (bound to channels and scopes, with an
optional expiry), revoke."""
from datetime import timedelta

from sqlalchemy import select

from wms.admin.services import _refusal
from wms.auth import roles
from wms.auth import services as auth_services
from wms.auth.models import ApiToken
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Channel
from wms.timeutil import utcnow


def list_tokens():
    return db.session.scalars(select(ApiToken).order_by(ApiToken.revoked, ApiToken.created_at.desc())).all()


def create_token(name, role=roles.INTEGRATION, channels=None, scopes=None, expires_days=None):
    """(token, plain value): the plain value is shown once and never stored.

    `channels`: codes of the channels it may act for (empty or None: every channel); `scopes`:
    roles.TOKEN_SCOPES it is limited to (empty or None: all); `expires_days`: None for no expiry.
    """
    if not (name or "").strip():
        raise ValidationFailed("A token needs a name (who uses it)", field="name")
    codes = sorted({(code or "").strip() for code in channels or () if (code or "").strip()})
    known = set(db.session.scalars(select(Channel.code).where(Channel.code.in_(codes)))) if codes else set()
    if set(codes) - known:
        raise _refusal("No channel with code '{code}'", "channels", code=sorted(set(codes) - known)[0])
    expires_at = None
    if expires_days not in (None, ""):
        try:
            days = int(expires_days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 3650:
            raise ValidationFailed("The expiry is a number of days from 1 to 3650", field="expires_days")
        expires_at = utcnow() + timedelta(days=days)
    return auth_services.create_api_token(name.strip()[:120], role, channels=codes or None,
                                          scopes=sorted(set(scopes or ())) or None, expires_at=expires_at)


def revoke_token(token_id):
    auth_services.revoke_api_token(token_id)
