// Console sign-in and sign-out (see console_sessions.h and core/http/README.md).
#include "http/api_endpoints.h"

namespace pathhub::http {
namespace {

using Poco::JSON::Object;

Reply sessionReply(const Session& s, int status = 200) {
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("name", s.caller.name);
  o.set("role", std::string(roleName(s.caller.role)));
  o.set("csrf", s.csrf);
  o.set("expiresAt", isoTime(s.expiresAtMs));
  return Reply::json(o, status);
}

}  // namespace

void addSessionEndpoints(Router& router, ApiContext& context, SessionBook& sessions,
                         const TokenBook& tokens, bool secure) {
  // Sign in: {"token": "..."} → a session cookie and the session's CSRF token.
  router.add({"POST", "/api/v1/session", std::nullopt,
              [&context, &sessions, &tokens, secure](const ApiRequest& r) {
                r.allowOnly({});
                const auto body = r.jsonBody();
                const std::string token =
                    body->has("token") ? body->getValue<std::string>("token") : "";
                auto caller = tokens.find(token);
                if (!caller) throw ApiError(401, "unauthorized", "that token is not known here");
                ApiRequest signedIn = r;
                signedIn.caller = *caller;
                context.audit(signedIn, "sign_in", "console");
                const Session s = sessions.open(*caller, sha256Hex(token));
                Reply reply = sessionReply(s);
                reply.headers.emplace_back("Set-Cookie", sessions.setCookie(s.id, secure));
                return reply;
              }});
  // Who is signed in (the console asks on load: the cookie outlives the page's memory).
  router.add({"GET", "/api/v1/session", Role::kViewer, [&sessions, &tokens](const ApiRequest& r) {
                r.allowOnly({});
                auto s = sessions.find(r.sessionId, tokens);
                if (!s)
                  throw ApiError(404, "not_found", "this call came with a token, not a session");
                return sessionReply(*s);
              }});
  router.add({"DELETE", "/api/v1/session", Role::kViewer,
              [&context, &sessions, secure](const ApiRequest& r) {
                r.allowOnly({});
                context.audit(r, "sign_out", "console");
                sessions.close(r.sessionId);
                Object o;
                o.set("signedOut", !r.sessionId.empty());
                Reply reply = Reply::json(o);
                reply.headers.emplace_back("Set-Cookie", sessions.setCookie("", secure));
                return reply;
              }});
}

}  // namespace pathhub::http
