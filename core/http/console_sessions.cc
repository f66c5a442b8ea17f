// Console sessions (see console_sessions.h).
#include "http/console_sessions.h"

#include <sys/random.h>

#include <algorithm>
#include <stdexcept>

namespace pathhub::http {
namespace {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 32 bytes from the kernel's random source, as hex: a session id or CSRF token nobody guesses.
std::string randomHex() {
  unsigned char bytes[32];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) throw std::runtime_error("no random bytes for a session");
    got += static_cast<std::size_t>(n);
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

SessionBook::SessionBook(std::chrono::minutes lifetime) : lifetime_(lifetime) {}

Session SessionBook::open(const Caller& caller, const std::string& tokenSha256) {
  Session s{randomHex(), randomHex(), caller, tokenSha256,
            nowMs() + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime_).count()};
  std::lock_guard lock(mutex_);
  const std::int64_t now = nowMs();
  std::erase_if(sessions_, [now](const auto& kv) { return kv.second.expiresAtMs <= now; });
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& x, const auto& y) { return x.second.expiresAtMs < y.second.expiresAtMs; });
    sessions_.erase(oldest);
  }
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionBook::find(std::string_view id, const TokenBook& tokens) {
  if (id.empty()) return std::nullopt;
  std::optional<Session> found;
  {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::nullopt;
    if (it->second.expiresAtMs <= nowMs()) {
      sessions_.erase(it);
      return std::nullopt;
    }
    found = it->second;
  }
  const auto now = tokens.findHash(found->tokenSha256);
  if (!now || now->role != found->caller.role || now->name != found->caller.name) {
    close(id);
    return std::nullopt;
  }
  return found;
}

void SessionBook::close(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (const auto it = sessions_.find(id); it != sessions_.end()) sessions_.erase(it);
}

std::string SessionBook::cookieValue(std::string_view header) {
  const std::string_view name = kCookie;
  std::size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    const std::size_t end = std::min(header.find(';', at), header.size());
    const std::string_view pair = header.substr(at, end - at);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    at = end;
  }
  return {};
}

std::string SessionBook::setCookie(const std::string& id, bool secure) const {
  const long long maxAge =
      id.empty() ? 0 : std::chrono::duration_cast<std::chrono::seconds>(lifetime_).count();
  return std::string(kCookie) + "=" + id +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(maxAge) +
         (secure ? "; Secure" : "");
}

}  // namespace pathhub::http
