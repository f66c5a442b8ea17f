#include "alerts/notice.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace pathhub::alerts {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string iso(std::int64_t ms) {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(ms * 1000),
                                         Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::string json(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string headline(const Notice& n) {
  return n.kind == "resolved" ? "RESOLVED" : n.kind == "repeat" ? "STILL FIRING" : "FIRING";
}

}  // namespace

std::string noticeSubject(const Notice& n) {
  return "[pathhub " + upper(n.severity) + "] " + headline(n) + " " + n.rule + ": " + n.summary;
}

std::string noticeText(const Notice& n) {
  std::ostringstream out;
  out << headline(n) << ": " << n.summary << "\n\n";
  out << "Rule: " << n.rule << " (" << n.condition << ", " << n.severity << ")\n";
  if (!n.channel.empty()) out << "Channel: " << n.channel << "\n";
  if (!n.destination.empty()) out << "Destination: " << n.destination << "\n";
  if (!n.node.empty()) out << "Node: " << n.node << "\n";
  out << "Alert: " << n.alertId << ", fired " << iso(n.firedAtMs) << "\n";
  if (n.kind == "resolved") out << "Resolved: " << iso(n.atMs) << "\n";
  out << "Hub: " << n.hub << "\n";
  if (!n.link.empty()) out << "\nConsole: " << n.link << "\n";
  if (n.kind != "resolved") {
    out << "\nAcknowledge it in the console (or pathhubctl alerts --acknowledge " << n.alertId
        << ") to stop the repeats until it resolves.\n";
  }
  return out.str();
}

std::string webhookBody(const Notice& n, const std::string& format) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  if (format == "slack") {
    o.set("text", noticeSubject(n) + (n.link.empty() ? "" : "\n" + n.link));
    return json(o);
  }
  if (format == "teams") {
    o.set("@type", "MessageCard");
    o.set("@context", "https://schema.org/extensions");
    o.set("summary", noticeSubject(n));
    o.set("themeColor", n.kind == "resolved"       ? "2E7D32"
                        : n.severity == "critical" ? "C62828"
                        : n.severity == "warning"  ? "F9A825"
                                                   : "1565C0");
    o.set("title", noticeSubject(n));
    std::string text = noticeText(n);
    // Teams reads the text as Markdown: a line break needs a blank line.
    for (std::size_t at = 0; (at = text.find('\n', at)) != std::string::npos; at += 2) {
      text.replace(at, 1, "\n\n");
    }
    o.set("text", text);
    if (!n.link.empty()) {
      Poco::JSON::Object::Ptr target = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      target->set("os", "default");
      target->set("uri", n.link);
      Poco::JSON::Array::Ptr targets = new Poco::JSON::Array;
      targets->add(target);
      Poco::JSON::Object::Ptr open = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      open->set("@type", "OpenUri");
      open->set("name", "Open the console");
      open->set("targets", targets);
      Poco::JSON::Array::Ptr actions = new Poco::JSON::Array;
      actions->add(open);
      o.set("potentialAction", actions);
    }
    return json(o);
  }
  o.set("kind", n.kind);
  o.set("alert", n.alertId);
  o.set("rule", n.rule);
  o.set("severity", n.severity);
  o.set("condition", n.condition);
  if (!n.channel.empty()) o.set("channel", n.channel);
  if (!n.destination.empty()) o.set("destination", n.destination);
  if (!n.node.empty()) o.set("node", n.node);
  o.set("summary", n.summary);
  o.set("firedAt", iso(n.firedAtMs));
  o.set("at", iso(n.atMs));
  o.set("hub", n.hub);
  o.set("period", n.period);
  if (!n.link.empty()) o.set("link", n.link);
  o.set("text", noticeSubject(n));
  return json(o);
}

}  // namespace pathhub::alerts
