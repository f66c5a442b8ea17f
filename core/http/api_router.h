// The API's routes: method, path pattern ("/api/v1/messages/{id}"), the least role allowed
// (none: open, as /health and /ready are), whether a refusal is audited, and the handler.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/api_auth.h"
#include "http/api_request.h"

namespace pathhub::http {

struct Reply {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // e.g. Set-Cookie
  // When set, the answer's body is this file's content (streamed, not held in memory), and the
  // file is removed once sent: a journal backup made for this one answer.
  std::string temporaryFile = {};
  static Reply json(const Poco::JSON::Object& object, int status = 200);
};

struct Route {
  std::string method;
  std::string pattern;
  std::optional<Role> least;  // nullopt: no token needed
  std::function<Reply(const ApiRequest&)> handle;
};

class Router {
 public:
  void add(Route route) { routes_.push_back(std::move(route)); }
  // The route for `method` and `path`, with the path's {parameters} filled in. Throws
  // ApiError 404 (no such path) or 405 (path known, method not: `allowed` lists them).
  const Route& match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>& params) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace pathhub::http
