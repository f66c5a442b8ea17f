// <alerts>: what the hub watches for, who is told, and how (core/alerts). Every element and
// attribute is documented in config/README.md ("Alerts").
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pathhub::config {

// What a rule watches (core/alerts/README.md says what each counts).
inline const std::vector<std::string> kAlertConditions = {
    "channel_faulted",    "channel_paused",           "destination_failing", "backlog",
    "oldest_undelivered", "acknowledgements_overdue", "orders_overdue",      "unmatched_results",
    "script_errors",      "journal_disk_space",       "node_missing"};
inline const std::vector<std::string> kAlertSeverities = {"info", "warning", "critical"};
// Every moment is in exactly one period: a bank holiday, else a day off (not a working day),
// else within the working hours or out of them.
inline const std::vector<std::string> kAlertPeriods = {"working-hours", "out-of-hours", "weekend",
                                                       "bank-holiday"};

struct AlertRule {
  std::string name;
  std::string condition;
  std::string severity = "warning";
  // Only this channel's (destination's) figures; "" every channel (destination).
  std::string channel, destination;
  // The figure that makes the condition true: above it (messages, answers, orders, results,
  // script errors, seconds of age), or for journal_disk_space below it (percent free).
  long long threshold = 0;
  std::chrono::seconds forDuration{0};  // true this long before the alert fires
  std::chrono::seconds quiet{3600};     // no repeat within it; 0 never repeats
  std::chrono::seconds window{3600};    // script_errors and unmatched_results count over it

  bool operator==(const AlertRule&) const = default;
};

struct AlertRota {
  std::string name;
  std::vector<std::string> severities;  // which alerts it gets
  std::vector<std::string> periods;     // when (kAlertPeriods)
  std::vector<std::string> emails;      // <recipient email="...">
  std::vector<std::string> webhooks;    // <recipient webhook="NAME">: a <webhook>'s name

  bool operator==(const AlertRota&) const = default;
};

struct SmtpConfig {
  std::string host;  // "" no email
  int port = 587;
  std::string tls = "starttls";  // "starttls" (refused by a server that cannot) or "none"
  std::string user, passwordFile, password;  // password: passwordFile's first line
  std::string auth = "plain";                // AUTH PLAIN, or LOGIN (Exchange Online's)
  std::string from = "pathhub@localhost";
  std::string caFile;  // trusted CAs for STARTTLS; "" the system's
  std::chrono::seconds timeout{30};

  bool operator==(const SmtpConfig&) const = default;
};

struct WebhookConfig {
  std::string name, url;
  std::string format = "json";     // json, slack or teams (the body's shape)
  std::string secretFile, secret;  // secret: secretFile's first line; "" unsigned
  std::string caFile;

  bool operator==(const WebhookConfig&) const = default;
};

struct SyslogConfig {
  bool enabled = false;
  std::string host;  // "" the local syslog(3); else HOST[:PORT] over UDP (RFC 5424)
  std::string facility = "local0";
  std::vector<std::string> severities = kAlertSeverities;

  bool operator==(const SyslogConfig&) const = default;
};

struct AlertsConfig {
  bool enabled = false;  // an <alerts> element is there
  std::chrono::seconds every{30};
  std::string consoleUrl;  // the console's address, linked from each notice
  std::string bankHolidays;
  std::vector<std::string> bankHolidayDates;    // YYYY-MM-DD, read from bankHolidays at load
  std::vector<int> workingDays{1, 2, 3, 4, 5};  // 0 Sunday … 6 Saturday
  int workStartMinute = 8 * 60, workEndMinute = 18 * 60;
  std::chrono::seconds retryBase{30};  // a failed notification's first retry; doubles
  int retryAttempts = 10;
  std::vector<AlertRule> rules;
  std::vector<AlertRota> rotas;
  SmtpConfig smtp;
  std::vector<WebhookConfig> webhooks;
  SyslogConfig syslog;

  bool operator==(const AlertsConfig&) const = default;
};

}  // namespace pathhub::config
