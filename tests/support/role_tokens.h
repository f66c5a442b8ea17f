// The API tokens the integration tests sign in with, one per role, and the <token> elements
// that configure them (each named "<role>-user", configured by its SHA-256 only).
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "http/api_auth.h"

namespace pathhub::testing {

inline const std::map<std::string, std::string>& roleTokens() {
  static const std::map<std::string, std::string> tokens = {
      {"viewer", "viewer-token-0123456789"},
      {"clinical", "clinical-token-0123456789"},
      {"operator", "operator-token-0123456789"},
      {"admin", "admin-token-0123456789"}};
  return tokens;
}

// <token> elements for `roles` (every role when empty).
inline std::string roleTokenElements(const std::vector<std::string>& roles = {}) {
  std::string out;
  for (const auto& [role, token] : roleTokens()) {
    if (!roles.empty() && std::find(roles.begin(), roles.end(), role) == roles.end()) continue;
    out += "<token name=\"" + role + "-user\" role=\"" + role + "\" sha256=\"" +
           http::sha256Hex(token) + "\"/>";
  }
  return out;
}

}  // namespace pathhub::testing
