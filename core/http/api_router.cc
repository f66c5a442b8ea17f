// Route matching (see api_router.h).
#include "http/api_router.h"

#include <Poco/JSON/Stringifier.h>
#include <Poco/StringTokenizer.h>

#include <sstream>

namespace pathhub::http {
namespace {

std::vector<std::string> parts(const std::string& path) {
  Poco::StringTokenizer t(path, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
  return {t.begin(), t.end()};
}

bool matches(const std::string& pattern, const std::vector<std::string>& path,
             std::map<std::string, std::string>& params) {
  const auto want = parts(pattern);
  if (want.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      found[want[i].substr(1, want[i].size() - 2)] = path[i];
    } else if (want[i] != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

Reply Reply::json(const Poco::JSON::Object& object, int status) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(object, out);
  return Reply{status, "application/json", out.str()};
}

const Route& Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params) const {
  const auto given = parts(path);
  std::string allowed;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> found;
    if (!matches(r.pattern, given, found)) continue;
    if (r.method == method) {
      params = std::move(found);
      return r;
    }
    allowed += (allowed.empty() ? "" : ", ") + r.method;
  }
  if (!allowed.empty()) {
    throw ApiError(405, "method_not_allowed",
                   method + " is not allowed on " + path + "; allowed: " + allowed);
  }
  throw ApiError::notFound("no endpoint " + path);
}

}  // namespace pathhub::http
