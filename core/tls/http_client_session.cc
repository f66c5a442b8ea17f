// HTTP(S) client sessions (see http_client_session.h).
#include "tls/http_client_session.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <charconv>
#include <stdexcept>
#include <string>

namespace pathhub::tls {

Result<std::unique_ptr<Poco::Net::HTTPClientSession>> httpClientSession(const Poco::URI& url,
                                                                        const TlsSettings& settings,
                                                                        Poco::Timespan timeout) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (url.getScheme() == "https") {
    auto context = clientContext(settings);
    if (!context) return tl::unexpected(context.error());
    session =
        std::make_unique<Poco::Net::HTTPSClientSession>(url.getHost(), url.getPort(), *context);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(url.getHost(), url.getPort());
  }
  session->setTimeout(timeout, timeout, timeout);
  session->setKeepAlive(true);
  return session;
}

Poco::Net::HTTPClientSession& HttpSessions::sessionFor(const Poco::URI& url) {
  const std::string key =
      url.getScheme() + "://" + url.getHost() + ":" + std::to_string(url.getPort());
  auto& session = sessions_[key];
  if (session) return *session;
  auto made = httpClientSession(url, settings_, timeout_);
  if (!made) throw std::invalid_argument(made.error().text);
  session = std::move(*made);
  return *session;
}

std::chrono::seconds retryAfter(std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::chrono::seconds(0);
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    return std::chrono::seconds(std::max(0LL, seconds));
  }
  Poco::DateTime when;
  int zone = 0;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, std::string(value), when,
                                      zone)) {
    return std::chrono::seconds(0);
  }
  // In whole seconds since the epoch: a lenient parse of something odd may give year 0, which
  // is simply past (and must not overflow a finer clock).
  const long long at = static_cast<long long>(when.timestamp().epochTime()) - zone;
  const long long from = static_cast<long long>(std::chrono::system_clock::to_time_t(now));
  return std::chrono::seconds(std::max(0LL, at - from));
}

}  // namespace pathhub::tls
