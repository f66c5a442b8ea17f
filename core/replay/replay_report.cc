// A diff-replay's reports (see replay_report.h).
#include "replay/replay_report.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <optional>
#include <sstream>

#include "replay/replay_window.h"

namespace pathhub::replay {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr Change kOrder[] = {Change::kContent,         Change::kRouting,
                             Change::kNewlyFailing,    Change::kNewlyFiltered,
                             Change::kNoLongerFailing, Change::kNoLongerFiltered,
                             Change::kReasonChanged,   Change::kMade};

// 1204 → "1,204"
std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string isoTime(std::int64_t ms) {
  if (!ms) return "";
  return Poco::DateTimeFormatter::format(Poco::Timestamp(ms * 1000),
                                         Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::string escapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\r':
        out += '\n';
        break;
      default:
        out += c;
    }
  }
  return out;
}

Array::Ptr texts(const std::vector<std::string>& v) {
  Array::Ptr out = new Array;
  for (const auto& s : v) out->add(s);
  return out;
}

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

}  // namespace

std::string summaryText(const ReplaySummary& s) {
  std::ostringstream out;
  out << "channel " << s.channel << ": " << grouped(s.messages) << " messages replayed, "
      << grouped(s.unchanged) << " unchanged, " << grouped(s.changed) << " changed\n";
  for (Change c : kOrder) {
    const auto it = s.counts.find(c);
    out << "  " << changeName(c) << ": " << grouped(it == s.counts.end() ? 0 : it->second) << "\n";
  }
  if (!s.fields.empty()) out << "fields changed:\n";
  std::vector<std::pair<std::string, std::int64_t>> fields(s.fields.begin(), s.fields.end());
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [field, n] : fields) {
    out << "  " << field << ": " << grouped(n) << (n == 1 ? " message\n" : " messages\n");
  }
  return out.str();
}

Object::Ptr reportJson(const ReplaySummary& s) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("channel", s.channel);
  if (s.fromMs) o->set("from", isoTime(s.fromMs));
  if (s.toMs) o->set("to", isoTime(s.toMs));
  o->set("messages", s.messages);
  o->set("unchanged", s.unchanged);
  o->set("changed", s.changed);
  Object::Ptr counts = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (Change c : kOrder) {
    const auto it = s.counts.find(c);
    counts->set(changeName(c), it == s.counts.end() ? 0 : it->second);
  }
  o->set("counts", counts);
  Object::Ptr fields = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [field, n] : s.fields) fields->set(field, n);
  o->set("fields", fields);
  Array::Ptr details = new Array;
  for (const auto& m : s.details) {
    Object::Ptr d = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    d->set("id", m.id);
    d->set("receivedAt", isoTime(m.receivedAtMs));
    d->set("controlId", m.controlId);
    d->set("type", m.messageType);
    std::vector<std::string> names;
    for (Change c : m.changes) names.push_back(changeName(c));
    d->set("changes", texts(names));
    d->set("before", m.before);
    d->set("after", m.after);
    if (m.scriptVersionBefore) d->set("scriptVersionBefore", m.scriptVersionBefore);
    d->set("routesBefore", texts(m.routesBefore));
    d->set("routesAfter", texts(m.routesAfter));
    if (m.madeBefore || m.madeAfter) {
      d->set("madeBefore", m.madeBefore);
      d->set("madeAfter", m.madeAfter);
    }
    Array::Ptr f = new Array;
    for (const auto& c : m.fields) {
      Object::Ptr x = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      x->set("path", c.path);
      x->set("before", c.before);
      x->set("after", c.after);
      f->add(x);
    }
    d->set("fields", f);
    details->add(d);
  }
  o->set("details", details);
  o->set("detailsLeftOut", s.changed - static_cast<std::int64_t>(s.details.size()));
  o->set("seconds", s.seconds);
  return o;
}

Result<ReplaySummary> summaryFromJson(const Object::Ptr& o) {
  ReplaySummary s;
  try {
    s.channel = o->getValue<std::string>("channel");
    if (o->has("from")) s.fromMs = parseInstantMs(o->getValue<std::string>("from")).value_or(0);
    if (o->has("to")) s.toMs = parseInstantMs(o->getValue<std::string>("to")).value_or(0);
    s.messages = o->getValue<std::int64_t>("messages");
    s.unchanged = o->getValue<std::int64_t>("unchanged");
    s.changed = o->getValue<std::int64_t>("changed");
    s.seconds = o->getValue<double>("seconds");
    auto changeNamed = [](const std::string& name) -> std::optional<Change> {
      for (Change c : kOrder) {
        if (name == changeName(c)) return c;
      }
      return std::nullopt;
    };
    const Object::Ptr counts = o->getObject("counts");
    for (const auto& name : counts ? counts->getNames() : std::vector<std::string>{}) {
      if (auto c = changeNamed(name)) s.counts[*c] = counts->getValue<std::int64_t>(name);
    }
    const Object::Ptr fields = o->getObject("fields");
    for (const auto& name : fields ? fields->getNames() : std::vector<std::string>{}) {
      s.fields[name] = fields->getValue<std::int64_t>(name);
    }
    auto textsOf = [](const Array::Ptr& a) {
      std::vector<std::string> out;
      for (std::size_t i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
      return out;
    };
    const Array::Ptr details = o->getArray("details");
    for (std::size_t i = 0; details && i < details->size(); ++i) {
      const Object::Ptr d = details->getObject(static_cast<unsigned>(i));
      ChangedMessage m;
      m.id = d->getValue<std::int64_t>("id");
      m.receivedAtMs = parseInstantMs(d->getValue<std::string>("receivedAt")).value_or(0);
      m.controlId = d->getValue<std::string>("controlId");
      m.messageType = d->getValue<std::string>("type");
      for (const auto& name : textsOf(d->getArray("changes"))) {
        if (auto c = changeNamed(name)) m.changes.push_back(*c);
      }
      m.before = d->getValue<std::string>("before");
      m.after = d->getValue<std::string>("after");
      if (d->has("scriptVersionBefore")) {
        m.scriptVersionBefore = d->getValue<std::int64_t>("scriptVersionBefore");
      }
      m.routesBefore = textsOf(d->getArray("routesBefore"));
      m.routesAfter = textsOf(d->getArray("routesAfter"));
      if (d->has("madeBefore")) m.madeBefore = d->getValue<std::int64_t>("madeBefore");
      if (d->has("madeAfter")) m.madeAfter = d->getValue<std::int64_t>("madeAfter");
      const Array::Ptr f = d->getArray("fields");
      for (std::size_t k = 0; f && k < f->size(); ++k) {
        const Object::Ptr x = f->getObject(static_cast<unsigned>(k));
        m.fields.push_back({x->getValue<std::string>("path"), x->getValue<std::string>("before"),
                            x->getValue<std::string>("after")});
      }
      s.details.push_back(std::move(m));
    }
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kInvalidValue, "not a diff-replay report: " + e.displayText());
  }
  return s;
}

std::string reportHtml(const ReplaySummary& s) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<title>Diff-replay of channel " << escapeHtml(s.channel) << "</title><style>"
      << "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
      << "td,th{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}"
      << ".before{background:#fdd}.after{background:#dfd}pre{margin:0;white-space:pre-wrap}"
      << "</style></head><body>\n<h1>Diff-replay of channel " << escapeHtml(s.channel)
      << "</h1>\n<p>Received " << escapeHtml(isoTime(s.fromMs)) << " to "
      << escapeHtml(isoTime(s.toMs)) << "</p>\n<pre>" << escapeHtml(summaryText(s)) << "</pre>\n";
  for (const auto& m : s.details) {
    std::string names;
    for (Change c : m.changes) names += (names.empty() ? "" : ", ") + std::string(changeName(c));
    out << "<section><h2>Message " << m.id << " (" << escapeHtml(m.messageType) << ", "
        << escapeHtml(m.controlId) << ")</h2>\n<p>" << escapeHtml(names) << "</p>\n"
        << "<table><tr><th></th><th>before</th><th>after</th></tr>\n"
        << "<tr><th>outcome</th><td class=\"before\">" << escapeHtml(m.before)
        << "</td><td class=\"after\">" << escapeHtml(m.after) << "</td></tr>\n"
        << "<tr><th>routes</th><td class=\"before\">" << escapeHtml(list(m.routesBefore))
        << "</td><td class=\"after\">" << escapeHtml(list(m.routesAfter)) << "</td></tr>\n";
    for (const auto& f : m.fields) {
      out << "<tr><th>" << escapeHtml(f.path) << "</th><td class=\"before\"><pre>"
          << escapeHtml(f.before) << "</pre></td><td class=\"after\"><pre>" << escapeHtml(f.after)
          << "</pre></td></tr>\n";
    }
    out << "</table></section>\n";
  }
  if (static_cast<std::int64_t>(s.details.size()) < s.changed) {
    out << "<p>" << (s.changed - static_cast<std::int64_t>(s.details.size()))
        << " more changed messages are counted above but not shown.</p>\n";
  }
  out << "</body></html>\n";
  return out.str();
}

}  // namespace pathhub::replay
