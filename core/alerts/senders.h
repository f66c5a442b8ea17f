// The three ways a notice leaves the hub: an email over SMTP (STARTTLS and a login when
// configured: Poco's SecureSMTPClientSession), a webhook's JSON POST (signed with the shared
// secret), a syslog line (the local syslog(3), or RFC 5424 over UDP). Each returns an error
// naming what failed; retrying is the dispatcher's business (dispatcher.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "alerts/notice.h"
#include "config/alerts_config.h"
#include "pathhub/error.h"

namespace Poco {
class Channel;
}

namespace pathhub::alerts {

Result<void> sendEmail(const config::SmtpConfig& smtp, const std::vector<std::string>& to,
                       const Notice& notice);

// The signature a receiver checks: X-Pathhub-Signature is "sha256=" and the hex HMAC-SHA256,
// under the shared secret, of X-Pathhub-Timestamp (epoch seconds), "." and the body — so a
// body replayed later with another timestamp does not verify.
std::string webhookSignature(const std::string& secret, std::int64_t timestamp,
                             const std::string& body);
Result<void> postWebhook(const config::WebhookConfig& hook, const Notice& notice);

// A syslog destination, opened once and kept.
class SyslogSender {
 public:
  explicit SyslogSender(const config::SyslogConfig& syslog);
  ~SyslogSender();
  Result<void> send(const Notice& notice);

 private:
  std::string host_;
  Poco::Channel* channel_ = nullptr;  // reference-counted by Poco: released in the destructor
};

}  // namespace pathhub::alerts
