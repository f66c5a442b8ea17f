// One API call as the handlers see it: method, path parameters, query parameters with typed
// reads that name the parameter when a value is wrong, the body, and who is calling. A
// handler answers by returning JSON or throwing ApiError, which the server turns into
// {"error": {"code": ..., "message": ..., "parameter": ...}} with the status given.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/api_auth.h"
#include "pathhub/error.h"

namespace pathhub::http {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, std::string parameter = {})
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        parameter_(std::move(parameter)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& parameter() const { return parameter_; }

  static ApiError badParameter(const std::string& name, const std::string& why) {
    return ApiError(400, "bad_parameter", name + ": " + why, name);
  }
  static ApiError notFound(const std::string& what) { return ApiError(404, "not_found", what); }
  // The answer for a failure the hub reported: its status and code follow the error's code
  // (not found 404, invalid state 409, unconvertible 422, unavailable or a journal failure
  // 503, a bad value 400, anything else 500).
  static ApiError from(const Error& e);

 private:
  int status_;
  std::string code_;
  std::string parameter_;
};

struct ApiRequest {
  std::string method;
  std::string path;
  std::string queryString;                        // as sent, for the audit trail
  std::map<std::string, std::string> pathParams;  // {name} parts of the route
  std::multimap<std::string, std::string> query;
  std::string body;
  Caller caller;
  std::string peer;       // "127.0.0.1:53122"
  std::string sessionId;  // the console session the call came with ("" with a bearer token)
  bool secure = false;    // over TLS
  // The request's headers, names in lower case.
  std::map<std::string, std::string> headers = {};
  std::string header(const std::string& lowerCaseName) const {
    auto it = headers.find(lowerCaseName);
    return it == headers.end() ? std::string() : it->second;
  }

  // Query parameters. Every parameter sent must be one the endpoint knows (a misspelt filter
  // must not silently widen a search): `allowOnly` throws naming the first unknown one.
  void allowOnly(const std::vector<std::string>& names) const;
  std::string text(const std::string& name) const;  // "" when absent
  int integer(const std::string& name, int fallback, int min, int max) const;
  // "true" or "false"; absent: false. Anything else is a bad parameter.
  bool flag(const std::string& name) const;
  std::int64_t id(const std::string& name) const;  // a positive id, 0 when absent
  // An instant: ISO 8601 ("2026-11-25T10:00:00Z", date only allowed) or epoch milliseconds.
  std::int64_t instantMs(const std::string& name) const;
  std::int64_t pathId(const std::string& name) const;
  // The JSON body as an object (empty object when there is no body).
  Poco::JSON::Object::Ptr jsonBody() const;
};

// Epoch milliseconds as ISO 8601 UTC with milliseconds; "" for 0.
std::string isoTime(std::int64_t ms);

}  // namespace pathhub::http
