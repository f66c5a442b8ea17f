// Who may call the HTTP API: bearer tokens, configured only as their SHA-256, each with a
// role. Roles are ordered, each including the ones before it:
//   viewer    status, channel states and counts, metrics — no patient data;
//   clinical  also message contents and search (every view audited);
//   operator  also replay, pause, resume and restart channels;
//   admin     also the audit trail.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "config/hub_config.h"

namespace pathhub::http {

enum class Role { kViewer = 0, kClinical = 1, kOperator = 2, kAdmin = 3 };

std::string_view roleName(Role role);
std::optional<Role> parseRole(std::string_view name);

struct Caller {
  std::string name;
  Role role = Role::kViewer;
  std::string organisation = {};  // the ODS code its token acts for ("" none)
};

// Lower-case hex SHA-256 of a token (how tokens are configured): common/digest.h.
using pathhub::sha256Hex;

// Whether two secrets are equal, taking the same time wherever they differ, so the time taken
// says nothing of how close a guess came.
bool sameSecret(std::string_view a, std::string_view b);

// Safe to use from every API thread while a reload replaces the tokens.
class TokenBook {
 public:
  explicit TokenBook(const std::vector<config::ApiToken>& tokens);
  // The tokens as now configured (a reload): calls already authenticated go on.
  void replace(const std::vector<config::ApiToken>& tokens);
  // The caller holding `token`, if it is configured. Compares in constant time per entry.
  std::optional<Caller> find(std::string_view token) const;
  // The caller whose token has this SHA-256 (as configured now): a console session's check
  // that the token it was opened with still stands.
  std::optional<Caller> findHash(std::string_view sha256) const;
  // The token from an "Authorization: Bearer …" header value; "" when there is none.
  static std::string_view bearer(std::string_view authorization);

 private:
  struct Entry {
    std::string sha256;
    Caller caller;
  };
  static std::shared_ptr<const std::vector<Entry>> entriesOf(
      const std::vector<config::ApiToken>& tokens);
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<Entry>> entries_;
};

}  // namespace pathhub::http
