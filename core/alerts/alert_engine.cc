#include "alerts/alert_engine.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <set>

#include "alerts/calendar.h"

namespace pathhub::alerts {
namespace {

Poco::Logger& log() { return Poco::Logger::get("alerts"); }

bool listed(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

AlertEngine::AlertEngine(config::AlertsConfig config, Dispatcher& dispatcher, std::string hub,
                         Clock clock, journal::Journal* journal, std::string owner)
    : config_(std::move(config)),
      dispatcher_(dispatcher),
      hub_(std::move(hub)),
      clock_(std::move(clock)),
      journal_(journal),
      owner_(std::move(owner)) {
  if (!journal_) return;
  auto firing = journal_->alertsOf(owner_, true, 100000);
  auto past = journal_->alertsOf(owner_, false, static_cast<int>(kHistory));
  if (!firing || !past) {
    log().error("cannot read the alerts kept in the journal: %s",
                (firing ? past.error() : firing.error()).describe());
    return;
  }
  for (auto& a : *firing) firing_.emplace(a.rule + "\n" + a.subject, std::move(a));
  history_.assign(past->begin(), past->end());
  if (!firing_.empty()) {
    log().information("%z alert(s) still firing when the hub last stopped: checked again now",
                      firing_.size());
  }
}

void AlertEngine::keep(const AlertRecord& alert) {
  if (!journal_ || alert.id <= 0) return;
  if (auto ok = journal_->updateAlert(alert); !ok) {
    log().error("alert %?d: cannot record its state (%s): %s", alert.id, alert.state,
                ok.error().describe());
  }
}

std::int64_t AlertEngine::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch()).count();
}

void AlertEngine::reconfigure(config::AlertsConfig config) {
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
  const std::int64_t now = nowMs();
  for (auto it = firing_.begin(); it != firing_.end();) {
    if (configured(it->second.rule)) {
      ++it;
      continue;
    }
    retire(std::move(it->second), "closed", now);
    it = firing_.erase(it);
  }
  std::erase_if(pending_,
                [&](const auto& p) { return !configured(p.first.substr(0, p.first.find('\n'))); });
}

bool AlertEngine::configured(const std::string& rule) const {
  return std::any_of(config_.rules.begin(), config_.rules.end(),
                     [&](const auto& r) { return r.name == rule; });
}

void AlertEngine::retire(AlertRecord alert, const std::string& state, std::int64_t now) {
  alert.state = state;
  alert.resolvedAtMs = now;
  log().information("alert %?d (%s) %s: %s", alert.id, alert.rule, state, alert.summary);
  if (state == "resolved") notify(alert, "resolved", now);
  keep(alert);
  history_.push_front(std::move(alert));
  while (history_.size() > kHistory) history_.pop_back();
}

void AlertEngine::evaluate(const HubFacts& facts) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = nowMs();
  std::int64_t longestWindow = 0;
  for (const auto& c : facts.channels) scriptErrors_.add(c.name, facts.atMs, c.scriptErrors);
  std::set<std::string> seen;
  std::set<std::string> handedOver;  // rules another node of the cluster checks now
  for (const auto& rule : config_.rules) {
    longestWindow = std::max<std::int64_t>(longestWindow, rule.window.count() * 1000);
    if (journalWide(rule.condition) && !facts.speaksForJournal) {
      handedOver.insert(rule.name);
      continue;
    }
    for (auto& found : alerts::evaluate(rule, facts, scriptErrors_)) {
      const std::string key = rule.name + "\n" + found.subject;
      seen.insert(key);
      if (auto alert = firing_.find(key); alert != firing_.end()) {
        AlertRecord& a = alert->second;
        a.summary = found.summary;
        a.value = found.value;
        const bool quietOver =
            rule.quiet.count() > 0 && now - a.lastNotifiedAtMs >= rule.quiet.count() * 1000;
        if (quietOver && a.acknowledgedBy.empty()) {
          notify(a, "repeat", now);
          keep(a);
        }
        continue;
      }
      Pending& p = pending_.try_emplace(key, Pending{now}).first->second;
      if (now - p.sinceMs < rule.forDuration.count() * 1000) continue;
      AlertRecord a;
      a.owner = owner_;
      a.subject = found.subject;
      a.state = "firing";
      a.rule = rule.name;
      a.severity = rule.severity;
      a.condition = rule.condition;
      a.channel = found.channel;
      a.destination = found.destination;
      a.node = found.node;
      a.summary = found.summary;
      a.value = found.value;
      a.trueSinceMs = p.sinceMs;
      a.firedAtMs = now;
      pending_.erase(key);
      a.id = nextId_++;
      if (journal_) {
        // Numbered by the journal, so an id names one alert across restarts and nodes. Told
        // even when it cannot be recorded (then under a negative number of its own).
        if (auto id = journal_->addAlert(a); id) {
          a.id = *id;
        } else {
          a.id = -a.id;
          log().error("alert on %s (%s): cannot record it: %s", found.subject, a.rule,
                      id.error().describe());
        }
      }
      log().warning("alert %?d fired (%s, %s): %s", a.id, a.rule, a.severity, a.summary);
      AlertRecord& fired = firing_.emplace(key, std::move(a)).first->second;
      notify(fired, "firing", now);
      keep(fired);  // who was told
    }
  }
  std::erase_if(pending_, [&](const auto& p) { return !seen.count(p.first); });
  for (auto it = firing_.begin(); it != firing_.end();) {
    if (seen.count(it->first)) {
      ++it;
      continue;
    }
    // No longer found: resolved — unless its rule is gone (read back from the journal after a
    // restart with a configuration without it: closed, as a reload would have closed it), or
    // another node of the cluster checks it now (a "resolved" from this node would say
    // something it no longer knows).
    const std::string state = !configured(it->second.rule)        ? "closed"
                              : handedOver.count(it->second.rule) ? "handed_over"
                                                                  : "resolved";
    retire(std::move(it->second), state, now);
    it = firing_.erase(it);
  }
  scriptErrors_.trim(longestWindow, facts.atMs);
}

void AlertEngine::notify(AlertRecord& a, const std::string& kind, std::int64_t now) {
  Notice n;
  n.kind = kind;
  n.alertId = a.id;
  n.rule = a.rule;
  n.severity = a.severity;
  n.condition = a.condition;
  n.channel = a.channel;
  n.destination = a.destination;
  n.node = a.node;
  n.summary = a.summary;
  n.firedAtMs = a.firedAtMs;
  n.atMs = now;
  n.hub = hub_;
  n.link = config_.consoleUrl.empty() ? "" : config_.consoleUrl + "#/alerts";
  n.period =
      periodAt(config_, std::chrono::system_clock::time_point(std::chrono::milliseconds(now)));
  std::vector<Target> targets;
  Target email{"email", {}};
  std::set<std::string> hooks;
  a.toldRotas.clear();
  for (const auto& rota : config_.rotas) {
    if (!listed(rota.severities, a.severity) || !listed(rota.periods, n.period)) continue;
    a.toldRotas.push_back(rota.name);
    for (const auto& address : rota.emails) {
      if (!listed(email.emails, address)) email.emails.push_back(address);
    }
    hooks.insert(rota.webhooks.begin(), rota.webhooks.end());
  }
  if (!email.emails.empty()) targets.push_back(email);
  for (const auto& hook : hooks) targets.push_back({"webhook " + hook, {}});
  if (config_.syslog.enabled && listed(config_.syslog.severities, a.severity)) {
    targets.push_back({"syslog", {}});
  }
  if (a.toldRotas.empty()) {
    log().warning("alert %?d (%s): no rota is told of %s alerts in %s", a.id, a.rule, a.severity,
                  n.period);
  }
  a.lastNotifiedAtMs = now;
  ++a.notifications;
  dispatcher_.send(n, targets);
}

Result<AlertRecord> AlertEngine::acknowledge(std::int64_t id, const std::string& by) {
  std::lock_guard lock(mutex_);
  for (auto& [key, a] : firing_) {
    if (a.id != id) continue;
    if (a.acknowledgedBy.empty()) {
      a.acknowledgedBy = by;
      a.acknowledgedAtMs = nowMs();
      keep(a);
      log().information("alert %?d (%s) acknowledged by %s", a.id, a.rule, by);
    }
    return a;
  }
  for (const auto& a : history_) {
    if (a.id == id) {
      return fail(ErrorCode::kInvalidState,
                  "alert " + std::to_string(id) + " is " + a.state + ", not firing");
    }
  }
  return fail(ErrorCode::kNotFound, "no alert " + std::to_string(id));
}

AlertsView AlertEngine::view() const {
  AlertsView out;
  {
    std::lock_guard lock(mutex_);
    out.period = periodAt(
        config_, std::chrono::system_clock::time_point(std::chrono::milliseconds(nowMs())));
    for (const auto& [key, a] : firing_) out.firing.push_back(a);
    out.history.assign(history_.begin(), history_.end());
  }
  std::sort(out.firing.begin(), out.firing.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  out.notifiers = dispatcher_.status();
  return out;
}

}  // namespace pathhub::alerts
