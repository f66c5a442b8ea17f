#include "alerts/dispatcher.h"

#include <Poco/Logger.h>

#include <algorithm>

namespace pathhub::alerts {
namespace {

Poco::Logger& log() { return Poco::Logger::get("alerts"); }

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Dispatcher::Dispatcher(config::AlertsConfig config) : config_(std::move(config)) {
  if (config_.syslog.enabled) syslog_ = std::make_unique<SyslogSender>(config_.syslog);
  thread_ = std::thread([this] { run(); });
}

Dispatcher::~Dispatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mutex_);
  for (const auto& job : jobs_) {
    log().error("alert %?d: %s notification to %s not sent: the hub is stopping",
                job.notice.alertId, job.notice.kind, job.target.notifier);
  }
}

void Dispatcher::reconfigure(config::AlertsConfig config) {
  std::lock_guard lock(mutex_);
  if (!(config.syslog == config_.syslog)) {
    syslog_ = config.syslog.enabled ? std::make_unique<SyslogSender>(config.syslog) : nullptr;
  }
  config_ = std::move(config);
}

void Dispatcher::send(const Notice& notice, const std::vector<Target>& targets) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& t : targets) {
      jobs_.push_back({notice, t, 0, std::chrono::steady_clock::now()});
      status_[t.notifier].name = t.notifier;
      ++status_[t.notifier].waiting;
    }
  }
  wake_.notify_all();
}

std::vector<NotifierStatus> Dispatcher::status() const {
  std::lock_guard lock(mutex_);
  std::vector<NotifierStatus> out;
  for (const auto& [name, s] : status_) out.push_back(s);
  return out;
}

Result<void> Dispatcher::deliver(const Job& job) {
  // The settings are read under the lock and used outside it: a send may take the SMTP
  // timeout, and a reload must not wait for it.
  config::AlertsConfig config;
  {
    std::lock_guard lock(mutex_);
    config = config_;
  }
  const std::string& notifier = job.target.notifier;
  if (notifier == "email") {
    if (config.smtp.host.empty()) return fail(ErrorCode::kInvalidState, "no <smtp> is configured");
    return sendEmail(config.smtp, job.target.emails, job.notice);
  }
  if (notifier == "syslog") {
    std::lock_guard lock(mutex_);  // one syslog socket, used by this thread only
    if (!syslog_) return fail(ErrorCode::kInvalidState, "no <syslog> is configured");
    return syslog_->send(job.notice);
  }
  const std::string name = notifier.substr(notifier.find(' ') + 1);
  const auto hook = std::find_if(config.webhooks.begin(), config.webhooks.end(),
                                 [&](const auto& w) { return w.name == name; });
  if (hook == config.webhooks.end()) {
    return fail(ErrorCode::kInvalidState, "webhook " + name + " is no longer configured");
  }
  return postWebhook(*hook, job.notice);
}

void Dispatcher::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    const auto due =
        std::find_if(jobs_.begin(), jobs_.end(), [&](const Job& j) { return j.due <= now; });
    if (due == jobs_.end()) {
      auto next = now + std::chrono::hours(1);
      for (const auto& j : jobs_) next = std::min(next, j.due);
      wake_.wait_until(lock, next);
      continue;
    }
    Job job = std::move(*due);
    jobs_.erase(due);
    lock.unlock();
    auto sent = deliver(job);
    lock.lock();
    NotifierStatus& s = status_[job.target.notifier];
    ++job.attempts;
    if (sent) {
      ++s.sent;
      --s.waiting;
      s.failing = false;
      s.lastSentAtMs = nowMs();
      continue;
    }
    ++s.failedAttempts;
    s.failing = true;
    s.lastError = sent.error().text;
    s.lastErrorAtMs = nowMs();
    if (job.attempts >= config_.retryAttempts) {
      ++s.givenUp;
      --s.waiting;
      log().error("alert %?d: %s notification through %s given up after %d attempts: %s",
                  job.notice.alertId, job.notice.kind, job.target.notifier, job.attempts,
                  sent.error().text);
      continue;
    }
    const auto wait = std::min<std::chrono::seconds>(
        config_.retryBase * (1LL << std::min(job.attempts - 1, 16)), std::chrono::hours(1));
    log().warning("alert %?d: %s notification through %s failed (attempt %d, again in %s s): %s",
                  job.notice.alertId, job.notice.kind, job.target.notifier, job.attempts,
                  std::to_string(wait.count()), sent.error().text);
    job.due = std::chrono::steady_clock::now() + wait;
    jobs_.push_back(std::move(job));
  }
}

}  // namespace pathhub::alerts
