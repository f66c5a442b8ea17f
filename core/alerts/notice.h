// One thing to tell people about an alert — it fired, it still fires (a repeat after the quiet
// period), it resolved — and how it reads in an email, a syslog line and a webhook's body.
// Built from the alert's rule and finding only (names and counts: conditions.h), so no
// notification carries patient data.
#pragma once

#include <cstdint>
#include <string>

namespace pathhub::alerts {

struct Notice {
  std::string kind;  // "firing", "repeat" or "resolved"
  std::int64_t alertId = 0;
  std::string rule, severity, condition;
  std::string channel, destination, node;  // "" where the rule is not about one
  std::string summary;
  std::int64_t firedAtMs = 0, atMs = 0;  // when the alert fired; when this notice was made
  std::string hub;                       // which hub says so (its cluster node, else host name)
  std::string link;                      // the console's alerts page; "" when not configured
  std::string period;                    // the rotas' period it was sent in
};

// "[pathhub CRITICAL] FIRING gp-down: deliveries to destination gp of channel lab are failing"
std::string noticeSubject(const Notice& notice);
// The plain text: the subject's facts one per line, then the link.
std::string noticeText(const Notice& notice);
// A webhook's JSON body: "json" (every field, and "text"), "slack" ({"text": …}, which Slack's
// and Mattermost's incoming webhooks take) or "teams" (a MessageCard, which Teams' connectors
// and workflows take).
std::string webhookBody(const Notice& notice, const std::string& format);

}  // namespace pathhub::alerts
