// The PostgreSQL URL (see postgres_url.h).
#include "journal/postgres_url.h"

#include <libpq-fe.h>

#include <memory>

namespace pathhub::journal {
namespace {

// Poco's connector splits the connection string at spaces and does not read quotes: a value
// with a space, a quote or a backslash would reach libpq cut or changed.
bool passable(const std::string& value) {
  return value.find_first_of(" \t\n'\"\\") == std::string::npos;
}

}  // namespace

Result<std::string> postgresConnectionString(const std::string& url, const std::string& password) {
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
    return fail(ErrorCode::kInvalidValue,
                "the journal's url must be postgresql://USER@HOST:PORT/DATABASE, not '" +
                    postgresDisplayName(url) + "'");
  }
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(
      PQconninfoParse(url.c_str(), &error), PQconninfoFree);
  if (!options) {
    std::string why = error ? error : "libpq could not read it";
    PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return fail(ErrorCode::kInvalidValue,
                "the journal's url " + postgresDisplayName(url) + " is not valid: " + why);
  }
  std::string out;
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    const std::string key = o->keyword;
    if (key == "password") {
      return fail(ErrorCode::kInvalidValue,
                  "the journal's url must not hold a password: give it in passwordFile");
    }
    if (!passable(o->val)) {
      return fail(ErrorCode::kInvalidValue, "the journal's url: '" + key +
                                                "' holds a space, a quote or a backslash,"
                                                " which the PostgreSQL connector cannot pass");
    }
    out += (out.empty() ? "" : " ") + key + "=" + o->val;
  }
  if (!password.empty()) {
    if (!passable(password)) {
      return fail(ErrorCode::kInvalidValue,
                  "the journal's password holds a space, a quote or a backslash, which the"
                  " PostgreSQL connector cannot pass: choose one without");
    }
    out += " password=" + password;
  }
  return out;
}

std::string postgresDisplayName(const std::string& url) {
  // user:secret@host → user@host
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  const auto colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

}  // namespace pathhub::journal
