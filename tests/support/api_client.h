// Calling the hub's operations API from a test: one call with a bearer token, the answer's
// status, body and (when it is JSON) parsed object.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

namespace pathhub::testing {

struct ApiAnswer {
  int status = 0;
  std::string body;
  Poco::JSON::Object::Ptr json;  // null when the body is not a JSON object
};

ApiAnswer apiGet(std::uint16_t port, const std::string& token, const std::string& target);
// Any method, with a JSON body when one is given.
ApiAnswer apiCall(std::uint16_t port, const std::string& token, const std::string& method,
                  const std::string& target, const std::string& body = "");

}  // namespace pathhub::testing
