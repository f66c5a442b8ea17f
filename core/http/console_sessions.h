// Sign-in for the web console: a bearer token, given once, exchanged for a session that a
// cookie carries (HttpOnly, SameSite=Strict, Secure over TLS), so the token itself never sits
// in the browser's script-readable storage. Each session has its own CSRF token, which every
// state-changing call made with the cookie must send back in X-CSRF-Token.
//
// A session is only as good as its token: on every use it is checked against the tokens as
// configured now, so a token removed or given another role by a reload ends its sessions.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "http/api_auth.h"

namespace pathhub::http {

struct Session {
  std::string id;    // what the cookie holds
  std::string csrf;  // what state-changing calls send back
  Caller caller;
  std::string tokenSha256;  // the token it was opened with, as configured
  std::int64_t expiresAtMs = 0;
};

class SessionBook {
 public:
  static constexpr const char* kCookie = "pathhub_session";
  static constexpr std::size_t kMaxSessions = 1000;  // the oldest ends when more open

  explicit SessionBook(std::chrono::minutes lifetime = std::chrono::hours(8));
  Session open(const Caller& caller, const std::string& tokenSha256);
  // The session, while it has not expired and its token still gives the same role.
  std::optional<Session> find(std::string_view id, const TokenBook& tokens);
  void close(std::string_view id);

  // The session id in a Cookie header value ("" when there is none).
  static std::string cookieValue(std::string_view cookieHeader);
  // The Set-Cookie value that starts (or, with an empty id, ends) a session.
  std::string setCookie(const std::string& id, bool secure) const;

 private:
  std::chrono::minutes lifetime_;
  std::mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_;
};

}  // namespace pathhub::http
