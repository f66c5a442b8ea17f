// Bearer tokens and roles (see api_auth.h).
#include "http/api_auth.h"

namespace pathhub::http {

std::string_view roleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kClinical:
      return "clinical";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> parseRole(std::string_view name) {
  for (Role r : {Role::kViewer, Role::kClinical, Role::kOperator, Role::kAdmin}) {
    if (roleName(r) == name) return r;
  }
  return std::nullopt;
}

bool sameSecret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::shared_ptr<const std::vector<TokenBook::Entry>> TokenBook::entriesOf(
    const std::vector<config::ApiToken>& tokens) {
  auto entries = std::make_shared<std::vector<Entry>>();
  for (const auto& t : tokens) {
    entries->push_back(
        {t.sha256, Caller{t.name, parseRole(t.role).value_or(Role::kViewer), t.organisation}});
  }
  return entries;
}

TokenBook::TokenBook(const std::vector<config::ApiToken>& tokens) : entries_(entriesOf(tokens)) {}

void TokenBook::replace(const std::vector<config::ApiToken>& tokens) {
  auto fresh = entriesOf(tokens);
  std::lock_guard lock(mutex_);
  entries_ = std::move(fresh);
}

std::optional<Caller> TokenBook::find(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  return findHash(sha256Hex(token));
}

std::optional<Caller> TokenBook::findHash(std::string_view hash) const {
  if (hash.empty()) return std::nullopt;
  std::shared_ptr<const std::vector<Entry>> entries;
  {
    std::lock_guard lock(mutex_);
    entries = entries_;
  }
  std::optional<Caller> found;
  for (const auto& e : *entries) {
    // Every entry is compared, the match or not.
    if (sameSecret(e.sha256, hash) && !found) found = e.caller;
  }
  return found;
}

std::string_view TokenBook::bearer(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return {};
    }
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace pathhub::http
