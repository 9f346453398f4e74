// The floor apps' one JSON fetch helper (the handheld and the pack station). How each app signs in
// differs, and is the only thing it chooses:
// - the handheld sends its bearer token: its page is cached by the service worker for every user, so
//   it carries no session and no CSRF token, and wms/security.py never asks a bearer call for one;
// - the station is a desk page on the session cookie: its writes carry the page's CSRF token from
//   <meta name="csrf-token"> (base.html), and the browser adds the Origin header the server checks.
// Both learn the same way that the network is gone (Offline: the outbox keeps the work) and that the
// server said no (ApiError, with the status and the JSON body: {error, message, ...}).

export class Offline extends Error {}

export class ApiError extends Error {
  constructor(message, status, data) {
    super(message);
    this.status = status;
    this.data = data;
  }
}

// A bearer call answered 401: the token was revoked or expired, and onSignedOut has run.
export class SignedOut extends Error {
  constructor() {
    super("signed out");
  }
}

// The page's CSRF token, or null on a page without one (the handheld shell).
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : null;
}

// Returns api(method, path, body) -> the answer's JSON. Options:
//   bearer      () => the token to send as Authorization, or null (the handheld);
//   csrf        true to send the page's CSRF token (the station);
//   onSignedOut(answer) awaited when a call that sent a token gets 401, before SignedOut is thrown; the answer
//   names why when the server ended the login ({reason, message}, as the session.revoked push).
export function createApi({ bearer = () => null, csrf = false, onSignedOut = null } = {}) {
  return async function api(method, path, body) {
    const token = bearer();
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const csrfValue = csrf ? csrfToken() : null;
    if (csrfValue) headers["X-CSRFToken"] = csrfValue;
    let response;
    try {
      response = await fetch(path, {
        method, headers, cache: "no-store", credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Offline(String(error));
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && token && onSignedOut) {
      await onSignedOut(data);  // an ended login's answer says why: {reason, message}
      throw new SignedOut();
    }
    if (!response.ok) throw new ApiError(data.message || response.statusText || `HTTP ${response.status}`, response.status, data);
    return data;
  };
}

// A load the page starts again whenever something changes (a socket event, a label printed, a
// reconnect) can be answered out of order: with two GETs in flight, the older answer arriving last
// would put stale rows back on the screen and leave them there until the next change. The latest call
// was sent after everything the page had awaited before it, so its answer is the freshest the page can
// know; only that one is applied:
//   const queueTurn = latestTurn();
//   async function loadQueue() { const mine = queueTurn(); const body = await api(...); if (!mine()) return; ... }
export function latestTurn() {
  let latest = 0;
  return () => {
    const mine = ++latest;
    return () => mine === latest;
  };
}
