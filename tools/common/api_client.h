// The command-line programs' side of the HTTP API (pathhubctl, pathhub-map --replay --url): one
// request, with the bearer token, over HTTP or HTTPS (the server's certificate checked against --ca
// or the system's CAs).
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "pathhub/error.h"

namespace pathhub::ctl {

struct ApiResponse {
  int status = 0;
  std::string body;                            // "" when a 200's body went to the sink
  std::map<std::string, std::string> headers;  // names in lower case
};

class ApiClient {
 public:
  // `url`: "http://127.0.0.1:8575" or "https://host:port".
  ApiClient(std::string url, std::string token, std::string caFile);
  // `target`: path and query, e.g. "/api/v1/messages?limit=5". Connection failures and
  // timeouts are errors; any HTTP status is a response. With `sink`, a 200's body is streamed
  // into it instead of held (a journal backup); a short body is an error.
  Result<ApiResponse> call(const std::string& method, const std::string& target,
                           const std::string& body = {}, std::ostream* sink = nullptr);
  // A header sent with every call from now on (the record's X-Purpose-Of-Use, X-User-Id).
  void setHeader(const std::string& name, const std::string& value) { headers_[name] = value; }

 private:
  std::string url_, token_, caFile_;
  std::map<std::string, std::string> headers_;
};

}  // namespace pathhub::ctl
