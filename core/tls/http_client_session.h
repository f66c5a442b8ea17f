// What the destinations that talk HTTP share: a client session for a URL — plain for http, TLS
// for https with the given certificates (a client certificate for mutual TLS, the CAs to
// verify the server with), kept alive between requests — and how long a server's Retry-After
// asks them to wait.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pathhub/error.h"
#include "tls/tls_context.h"

namespace pathhub::tls {

// An error names the TLS file that does not load.
Result<std::unique_ptr<Poco::Net::HTTPClientSession>> httpClientSession(const Poco::URI& url,
                                                                        const TlsSettings& settings,
                                                                        Poco::Timespan timeout);

// One kept session per scheme, host and port, made on first use with the same TLS settings:
// what a destination that POSTs where each delivery's routing says keeps.
class HttpSessions {
 public:
  HttpSessions(TlsSettings settings, Poco::Timespan timeout)
      : settings_(std::move(settings)), timeout_(timeout) {}
  // Throws std::invalid_argument naming the TLS file that does not load.
  Poco::Net::HTTPClientSession& sessionFor(const Poco::URI& url);

 private:
  TlsSettings settings_;
  Poco::Timespan timeout_;
  std::map<std::string, std::unique_ptr<Poco::Net::HTTPClientSession>> sessions_;
};

// A Retry-After value (RFC 9110 10.2.3: delta-seconds, or an HTTP date) as the wait from
// `now`; zero when it is empty, unreadable or already past.
std::chrono::seconds retryAfter(std::string_view value, std::chrono::system_clock::time_point now =
                                                            std::chrono::system_clock::now());

}  // namespace pathhub::tls
