// Hub wiring (see hub.h).
#include "daemon/hub.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "lua/lua_mapper.h"
#include "orders/test_catalogue.h"
#include "plugin/plugin_host.h"

namespace pathhub::daemon {

namespace {

// Pass-through without a script; otherwise a Lua mapper per worker on the channel's script.
pipeline::MapperFactory mapperFactory(const config::ChannelConfig& c) {
  if (c.script.empty()) {
    return []() -> Result<std::unique_ptr<pipeline::Mapper>> {
      return std::make_unique<pipeline::PassThroughMapper>();
    };
  }
  lua::ScriptOptions options;
  options.script = c.script;
  options.scriptsRoot = c.scriptsRoot;
  options.limits.instructions = c.scriptInstructionLimit;
  options.limits.memoryBytes = c.scriptMemoryLimitBytes;
  options.tables =
      std::make_shared<lua::CodeTables>(std::filesystem::path(c.scriptsRoot) / "tables");
  return [options, name = c.name]() -> Result<std::unique_ptr<pipeline::Mapper>> {
    auto mapper = lua::LuaMapper::create(options, name);
    if (!mapper) return tl::unexpected(mapper.error());
    return std::unique_ptr<pipeline::Mapper>(std::move(*mapper));
  };
}

Poco::Logger& log() { return Poco::Logger::get("daemon"); }

}  // namespace

Hub::Hub(config::HubConfig config, std::shared_ptr<const plugin::PluginRegistry> plugins)
    : config_(std::move(config)), plugins_(std::move(plugins)) {}

Hub::~Hub() { stop(); }

Result<void> Hub::start() {
  // One hub per journal: a second daemon on it is refused before it opens anything.
  if (!journalLock_) {
    auto lock = journal::JournalLock::acquire(config_.journal.path);
    if (!lock) return tl::unexpected(lock.error());
    journalLock_ = std::move(*lock);
  }
  journal::JournalOptions options;
  options.path = config_.journal.path;
  options.dedupeWindow = config_.journal.dedupeWindow;
  auto journal = journal::Journal::open(options);
  if (!journal) return tl::unexpected(journal.error());
  journal_ = std::move(*journal);
  std::lock_guard lock(mutex_);
  slots_.clear();
  slots_.reserve(config_.channels.size());
  for (const auto& c : config_.channels) {
    Slot slot;
    slot.config = &c;
    slot.stats = std::make_shared<pipeline::ChannelStats>(c);
    slots_.push_back(std::move(slot));
  }
  // Every channel's stages first (they resume what the journal holds), then the sources.
  for (auto& slot : slots_) {
    if (auto ok = startChannel(slot, false); !ok) return ok;
  }
  for (auto& slot : slots_) startSource(slot);
  ready_ = true;
  return {};
}

void Hub::startSource(Slot& slot) {
  auto source = plugin::makeSource(*plugins_, *slot.channel);
  if (!source) {
    slot.channel->markFaulted(source.error().text);
    return;
  }
  // A source that does not start has marked its channel faulted; the others go on.
  if (auto ok = (*source)->start(); ok) slot.source = std::move(*source);
}

Result<void> Hub::startChannel(Slot& slot, bool withSource) {
  auto channel = std::make_unique<pipeline::Channel>(
      *slot.config, *journal_, zmq_, mapperFactory(*slot.config),
      plugin::destinationFactory(*plugins_), slot.stats);
  if (auto ok = channel->start(); !ok) {
    slot.startError = ok.error().text;
    return ok;
  }
  slot.startError.clear();
  slot.channel = std::move(channel);
  if (withSource && !slot.paused) startSource(slot);
  return {};
}

void Hub::stopChannel(Slot& slot) {
  if (slot.source) slot.source->stop();
  slot.source.reset();
  if (slot.channel) slot.channel->stop();
  slot.channel.reset();
}

void Hub::stop() {
  ready_ = false;
  std::lock_guard lock(mutex_);
  // Every source first, so nothing is taken in while the stages wind down.
  for (auto& slot : slots_) {
    if (slot.source) slot.source->stop();
    slot.source.reset();
  }
  for (auto& slot : slots_) stopChannel(slot);
  journal_.reset();
}

Hub::Slot* Hub::find(const std::string& name) {
  for (auto& slot : slots_) {
    if (slot.config->name == name) return &slot;
  }
  return nullptr;
}

std::vector<http::ChannelView> Hub::channels() const {
  std::lock_guard lock(mutex_);
  std::vector<http::ChannelView> out;
  for (const auto& slot : slots_) {
    http::ChannelView v;
    v.name = slot.config->name;
    v.config = slot.config;
    v.stats = slot.stats;
    v.fault = slot.channel ? slot.channel->faultReason() : slot.startError;
    if (!v.fault.empty()) {
      v.state = "faulted";
    } else if (!slot.channel || !slot.channel->running()) {
      v.state = "stopped";
    } else {
      v.state = slot.paused ? "paused" : "running";
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<void> Hub::pause(const std::string& name) {
  std::lock_guard lock(mutex_);
  Slot* slot = find(name);
  if (!slot) return fail(ErrorCode::kNotFound, "no channel '" + name + "'");
  if (slot->paused) return {};
  slot->paused = true;
  if (slot->source) slot->source->stop();
  slot->source.reset();
  log().information("channel %s paused: its source takes no messages", name);
  return {};
}

Result<void> Hub::resume(const std::string& name) {
  std::lock_guard lock(mutex_);
  Slot* slot = find(name);
  if (!slot) return fail(ErrorCode::kNotFound, "no channel '" + name + "'");
  if (!slot->paused) return {};
  slot->paused = false;
  if (slot->channel && !slot->source) startSource(*slot);
  log().information("channel %s resumed", name);
  return {};
}

Result<void> Hub::restart(const std::string& name) {
  std::lock_guard lock(mutex_);
  Slot* slot = find(name);
  if (!slot) return fail(ErrorCode::kNotFound, "no channel '" + name + "'");
  if (!journal_) return fail(ErrorCode::kIoError, "the hub is not running");
  stopChannel(*slot);
  if (auto ok = startChannel(*slot, true); !ok) {
    log().error("channel %s did not restart: %s", name, ok.error().text);
    return ok;
  }
  log().information("channel %s restarted", name);
  return {};
}

void Hub::wake(const std::string& name, const std::vector<std::string>& destinations) {
  std::lock_guard lock(mutex_);
  if (Slot* slot = find(name); slot && slot->channel) slot->channel->wake(destinations);
}

std::vector<std::pair<std::string, std::string>> Hub::faults() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& v : channels()) {
    if (!v.fault.empty()) out.emplace_back(v.name, v.fault);
  }
  return out;
}

Result<int> Hub::flagOverdueAnswers() {
  if (!journal_) return 0;
  int flagged = 0;
  for (const auto& c : config_.channels) {
    const std::int64_t before =
        journal::nowMs() -
        std::chrono::duration_cast<std::chrono::milliseconds>(c.acknowledgements.overdueAfter)
            .count();
    auto overdue = journal_->markOverdue(c.name, before);
    if (!overdue) return tl::unexpected(overdue.error());
    flagged += static_cast<int>(overdue->size());
    if (c.acknowledgements.notify.empty() || overdue->empty()) continue;
    // One notification per delivery, naming every reference still unanswered.
    std::map<std::int64_t, std::vector<const journal::AcknowledgementRecord*>> byDelivery;
    for (const auto& a : *overdue) byDelivery[a.deliveryId].push_back(&a);
    for (const auto& [delivery, rows] : byDelivery) {
      const journal::AcknowledgementRecord& a = *rows.front();
      Poco::JSON::Object notice(Poco::JSON_PRESERVE_KEY_ORDER);
      notice.set("notification", "acknowledgement overdue");
      notice.set("channel", a.channel);
      notice.set("messageId", a.messageId);
      notice.set("destination", a.destination);
      notice.set("practice", a.practice);
      Poco::JSON::Array references;
      for (const auto* r : rows) references.add(r->reference);
      notice.set("references", references);
      notice.set("sentAt",
                 Poco::DateTimeFormatter::format(Poco::Timestamp(a.sentAtMs * 1000),
                                                 Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
      notice.set("overdueAfterSeconds",
                 static_cast<Poco::Int64>(c.acknowledgements.overdueAfter.count()));
      if (auto sent = notify(c.name, c.acknowledgements.notify, a.messageId,
                             "overdue-" + std::to_string(delivery), notice);
          !sent) {
        return tl::unexpected(sent.error());
      }
    }
  }
  return flagged;
}

Result<int> Hub::flagOverdueOrders() {
  if (!journal_) return 0;
  auto overdue = journal_->markOrdersOverdue(journal::nowMs());
  if (!overdue) return tl::unexpected(overdue.error());
  for (const auto& o : *overdue) {
    const config::ChannelConfig* c = nullptr;
    for (const auto& candidate : config_.channels) {
      if (candidate.name == o.channel) c = &candidate;
    }
    if (!c || c->orders.notify.empty() || !o.messageId) continue;
    Poco::JSON::Object notice(Poco::JSON_PRESERVE_KEY_ORDER);
    notice.set("notification", "order overdue");
    notice.set("channel", o.channel);
    notice.set("placer", o.placer);
    notice.set("lab", o.lab);
    notice.set("requester", o.requester);
    notice.set("tests", o.tests);
    notice.set("state", o.state);
    notice.set("placedAt",
               Poco::DateTimeFormatter::format(Poco::Timestamp(o.placedAtMs * 1000),
                                               Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
    notice.set("dueAt", Poco::DateTimeFormatter::format(Poco::Timestamp(o.dueAtMs * 1000),
                                                        Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
    if (auto sent = notify(o.channel, c->orders.notify, o.messageId,
                           "overdue-order-" + std::to_string(o.id), notice);
        !sent) {
      return tl::unexpected(sent.error());
    }
  }
  return static_cast<int>(overdue->size());
}

Result<void> Hub::notify(const std::string& channel, const std::string& destination,
                         journal::MessageId parent, const std::string& controlId,
                         const Poco::JSON::Object& notice) {
  std::ostringstream text;
  notice.stringify(text);
  auto made = journal_->addNotification(parent, channel, destination, controlId, text.str());
  if (!made) return tl::unexpected(made.error());
  wake(channel, {destination});
  return {};
}

std::chrono::milliseconds Hub::overdueCheckInterval() const {
  std::chrono::milliseconds out = std::chrono::minutes(1);
  for (const auto& c : config_.channels) {
    out = std::min<std::chrono::milliseconds>(out, c.acknowledgements.overdueAfter);
    if (c.orders.catalogue.empty()) continue;
    if (auto catalogue = orders::TestCatalogue::load(c.orders.catalogue)) {
      out = std::min(out, std::max<std::chrono::milliseconds>(catalogue->shortestTurnaround(),
                                                              std::chrono::milliseconds(200)));
    }
  }
  return out;
}

Result<int> Hub::prune() {
  if (!journal_) return 0;
  return journal_->prune(config_.journal.retentionDays);
}

}  // namespace pathhub::daemon
