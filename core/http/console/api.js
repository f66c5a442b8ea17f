// The console's one way to the hub: the API, with the session cookie, and the session's CSRF
// token on every call that changes something.
let session = null;

export function currentSession() {
  return session;
}

export class ApiFailure extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call(method, path, body, extraHeaders = {}) {
  const headers = { Accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && session) headers["X-CSRF-Token"] = session.csrf;
  const answer = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? (method === "GET" ? undefined : "") : JSON.stringify(body),
  });
  const text = await answer.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!answer.ok) {
    const error = data && data.error ? data.error : {};
    // The record's FHIR API answers errors as OperationOutcomes.
    const issue = data && data.resourceType === "OperationOutcome" && data.issue ? data.issue[0] : null;
    if (issue) throw new ApiFailure(answer.status, issue.code, issue.diagnostics || issue.code);
    throw new ApiFailure(answer.status, error.code || "error", error.message || text || answer.statusText);
  }
  return data;
}

export const get = (path) => call("GET", path);
// A read of the network's record: it must say why and for whom (core/record/README.md).
export const getRecord = (path, purpose, user) =>
  call("GET", path, undefined, { "X-Purpose-Of-Use": purpose, "X-User-Id": user });
export const post = (path, body) => call("POST", path, body ?? {});

// The session the cookie holds, if any (the page's memory does not outlive a reload).
export async function resume() {
  try {
    session = await get("/api/v1/session");
  } catch {
    session = null;
  }
  return session;
}

export async function signIn(token) {
  session = await call("POST", "/api/v1/session", { token });
  return session;
}

export async function signOut() {
  try {
    await call("DELETE", "/api/v1/session");
  } finally {
    session = null;
  }
}

const ranks = { viewer: 0, clinical: 1, operator: 2, admin: 3 };
// Whether the signed-in role may do what needs `role` (the API decides; this hides buttons).
export function may(role) {
  return session !== null && ranks[session.role] >= ranks[role];
}
