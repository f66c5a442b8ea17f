// Hub wiring (see hub.h).
#include "daemon/hub.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Environment.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon/channel_decisions.h"
#include "daemon/config_check.h"
#include "journal/postgres_url.h"
#include "lua/lua_mapper.h"
#include "lua/mapper_worker.h"
#include "orders/test_catalogue.h"
#include "pipeline/mapping_plan.h"
#include "plugin/plugin_host.h"

namespace pathhub::daemon {

namespace {

// Pass-through without a script; otherwise a Lua mapper per worker on the channel's script,
// each in its own supervised process unless the channel asks for threads.
pipeline::MapperFactory mapperFactory(const config::ChannelConfig& c) {
  if (c.script.empty()) {
    return []() -> Result<std::unique_ptr<pipeline::Mapper>> {
      return std::make_unique<pipeline::PassThroughMapper>();
    };
  }
  if (c.mapperProcesses) {
    return [program = lua::workerProgram(scriptOptionsFor(c), c.name),
            name = c.name]() -> Result<std::unique_ptr<pipeline::Mapper>> {
      auto mapper = pipeline::ProcessMapper::start(program, name);
      if (!mapper) return tl::unexpected(mapper.error());
      return std::unique_ptr<pipeline::Mapper>(std::move(*mapper));
    };
  }
  return [options = scriptOptionsFor(c),
          name = c.name]() -> Result<std::unique_ptr<pipeline::Mapper>> {
    auto mapper = lua::LuaMapper::create(options, name);
    if (!mapper) return tl::unexpected(mapper.error());
    return std::unique_ptr<pipeline::Mapper>(std::move(*mapper));
  };
}

Poco::Logger& log() { return Poco::Logger::get("daemon"); }

// What the files a channel reads at start hold (practice directory, test catalogue, requester
// table), so a reload can tell that one changed.
std::string tablesPrint(const config::ChannelConfig& c) {
  std::string print;
  for (const std::string& file :
       {c.practices.directory, c.orders.catalogue, c.orders.requesterLabs}) {
    if (file.empty()) continue;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    print += file + "\n" + std::to_string(std::hash<std::string>{}(text.str())) + "\n";
  }
  return print;
}

// Which parts of a channel's settings differ, for the reload report.
std::string changedParts(const config::ChannelConfig& a, const config::ChannelConfig& b,
                         bool tablesChanged) {
  std::vector<std::string> parts;
  if (!(a.source == b.source)) parts.push_back("source");
  if (a.mapperWorkers != b.mapperWorkers || a.script != b.script ||
      a.scriptsRoot != b.scriptsRoot || a.scriptInstructionLimit != b.scriptInstructionLimit ||
      a.scriptMemoryLimitBytes != b.scriptMemoryLimitBytes) {
    parts.push_back("mapper");
  }
  if (a.destinations != b.destinations) parts.push_back("destinations");
  if (a.routes != b.routes) parts.push_back("routes");
  if (!(a.practices == b.practices)) parts.push_back("practices");
  if (!(a.orders == b.orders)) parts.push_back("orders");
  if (!(a.safety == b.safety)) parts.push_back("safety");
  if (!(a.acknowledgements == b.acknowledgements)) parts.push_back("acknowledgements");
  if (a.backlogLimit != b.backlogLimit || a.busyAckWhenFull != b.busyAckWhenFull) {
    parts.push_back("backlog");
  }
  if (a.stageEndpoints != b.stageEndpoints) parts.push_back("pipeline endpoints");
  if (tablesChanged) parts.push_back("tables (practice directory, catalogue or requester labs)");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<std::string> destinationNames(const config::ChannelConfig& c) {
  std::vector<std::string> out;
  for (const auto& d : c.destinations) out.push_back(d.name);
  return out;
}

}  // namespace

namespace {

// The lease of the hub-wide alert checks in a cluster: the figures every node reads alike
// from the shared journal (backlogs, answers and orders overdue, missing nodes) are checked by
// the one node holding it, so the rota is told once, not once per node. No channel is named ""
// (a channel needs a name), so it is no destination's.
const std::pair<std::string, std::string> kAlertChecksLease = {"", "alerts"};

// Every (channel, destination) the configuration names: what a cluster's node keeps leases on;
// with alert rules, the alert checks' lease too.
std::vector<std::pair<std::string, std::string>> destinationsOf(
    const std::vector<config::ChannelConfig>& channels, const config::AlertsConfig& alerts) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : channels) {
    for (const auto& d : c.destinations) out.emplace_back(c.name, d.name);
  }
  if (alerts.enabled && !alerts.rules.empty()) out.push_back(kAlertChecksLease);
  return out;
}

}  // namespace

Hub::Hub(config::HubConfig config, std::shared_ptr<const plugin::PluginRegistry> plugins,
         std::string configPath)
    : config_(std::move(config)),
      configPath_(std::move(configPath)),
      plugins_(std::move(plugins)),
      retentionDays_(config_.journal.retentionDays),
      stopGraceSeconds_(config_.stopGrace.count()),
      tokens_(config_.api.tokens),
      alertsConfig_(config_.alerts) {}

Hub::~Hub() { stop(); }

Result<void> Hub::start() {
  // One hub per SQLite journal: a second daemon on it is refused before it opens anything.
  // (A PostgreSQL journal is shared by design: a cluster's nodes.)
  const bool shared = config_.journal.backend == "postgresql";
  if (!journalLock_ && !shared) {
    auto lock = journal::JournalLock::acquire(config_.journal.path);
    if (!lock) return tl::unexpected(lock.error());
    journalLock_ = std::move(*lock);
  }
  journal::JournalOptions options;
  options.backend = config_.journal.backend;
  options.path = config_.journal.path;
  options.url = config_.journal.url;
  options.password = config_.journal.password;
  options.dedupeWindow = config_.journal.dedupeWindow;
  options.node = config_.cluster.node;
  options.claimFor = config_.cluster.lease;
  auto journal = journal::Journal::open(options);
  if (!journal) return tl::unexpected(journal.error());
  journal_ = std::move(*journal);
  if (config_.cluster.enabled() && !leases_) {
    auto connection =
        journal::postgresConnectionString(config_.journal.url, config_.journal.password);
    if (!connection) return tl::unexpected(connection.error());
    cluster::LeaseKeeper::Options keep;
    keep.connection = *connection;
    keep.node = config_.cluster.node;
    keep.lease = config_.cluster.lease;
    keep.destinations = destinationsOf(config_.channels, alertsConfig_);
    auto keeper = cluster::LeaseKeeper::start(std::move(keep));
    if (!keeper) return tl::unexpected(keeper.error());
    leases_ = std::move(*keeper);
  }
  std::lock_guard lock(mutex_);
  slots_.clear();
  slots_.reserve(config_.channels.size());
  for (const auto& c : config_.channels) {
    Slot slot;
    slot.config = std::make_shared<const config::ChannelConfig>(c);
    slot.tablesPrint = tablesPrint(c);
    slot.stats = std::make_shared<pipeline::ChannelStats>(c);
    slots_.push_back(std::move(slot));
  }
  // Every channel's stages first (they resume what the journal holds), then the sources.
  for (auto& slot : slots_) {
    if (auto ok = startChannel(slot, false); !ok) return ok;
  }
  for (auto& slot : slots_) startSource(slot);
  if (config_.record.enabled && !record_) {
    auto record = record::RecordService::start(*journal_, config_.record);
    if (!record) return tl::unexpected(record.error());
    record_ = std::move(*record);
  }
  if (!alerts_) {
    const std::string name =
        config_.cluster.enabled() ? config_.cluster.node : Poco::Environment::nodeName();
    alerts_ = std::make_unique<alerts::AlertMonitor>(
        alertsConfig_, [this] { return facts(); }, name, journal_.get(), config_.cluster.node);
  }
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
      plugin::destinationFactory(*plugins_), slot.stats, leases_.get(), makeChannelDecisions);
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
  alerts_.reset();  // its thread reads the channels and the journal: it goes first
  std::lock_guard lock(mutex_);
  // Every source first, so nothing is taken in while the stages wind down.
  for (auto& slot : slots_) {
    if (slot.source) slot.source->stop();
    slot.source.reset();
  }
  for (auto& slot : slots_) stopChannel(slot);
  record_.reset();
  leases_.reset();  // gives this node's leases up: another node delivers at once
  journal_.reset();
}

Result<http::ClusterView> Hub::cluster() {
  if (!leases_) {
    return fail(ErrorCode::kNotFound,
                "this hub is not a node of a cluster: <cluster node=\"...\"> is not configured");
  }
  auto seen = leases_->view();
  if (!seen) return tl::unexpected(seen.error());
  http::ClusterView out;
  out.node = leases_->node();
  for (const auto& n : seen->nodes) {
    out.nodes.push_back({n.name, n.startedAtMs, n.lastBeatMs, n.sinceBeatMs, n.alive});
  }
  for (const auto& l : seen->leases) {
    out.leases.push_back({l.channel, l.destination, l.owner, l.epoch, l.expired});
  }
  return out;
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

std::vector<std::shared_ptr<const config::ChannelConfig>> Hub::channelConfigs() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const config::ChannelConfig>> out;
  for (const auto& slot : slots_) out.push_back(slot.config);
  return out;
}

Result<http::ReloadReport> Hub::reload() {
  if (configPath_.empty()) {
    return fail(ErrorCode::kInvalidState, "the hub was not started from a configuration file");
  }
  auto next = config::loadHubConfig(configPath_);
  std::string problems = next ? configurationProblems(*plugins_, *next) : next.error().text;
  if (!problems.empty()) {
    log().error("reload refused: %s is not valid; the running configuration is kept:\n%s",
                configPath_, problems);
    return fail(ErrorCode::kInvalidValue,
                configPath_ + " is not valid; the running configuration is kept:\n" + problems);
  }
  std::lock_guard lock(mutex_);
  if (!journal_) return fail(ErrorCode::kUnavailable, "the hub is not running");
  http::ReloadReport report;
  for (const auto& w : next->warnings) log().warning(w);
  if (next->journal.path != config_.journal.path ||
      next->journal.dedupeWindow != config_.journal.dedupeWindow ||
      next->journal.backend != config_.journal.backend ||
      next->journal.url != config_.journal.url ||
      next->journal.password != config_.journal.password) {
    report.restartNeeded.push_back("journal (backend, path, url, password or dedupeWindowSeconds)");
  }
  if (!(next->cluster == config_.cluster)) report.restartNeeded.push_back("cluster");
  if (next->journal.retentionDays != retentionDays_) {
    retentionDays_ = next->journal.retentionDays;
    report.applied.push_back("journal retentionDays " + std::to_string(retentionDays_.load()));
  }
  if (next->pluginFolders != config_.pluginFolders) report.restartNeeded.push_back("plugins");
  if (!(next->log == config_.log)) report.restartNeeded.push_back("log");
  config::ApiConfig listener = next->api, running = config_.api;
  listener.tokens.clear();
  running.tokens.clear();
  if (!(listener == running)) report.restartNeeded.push_back("api (listener, TLS, certificates)");
  if (next->api.tokens != tokens_) {
    tokens_ = next->api.tokens;
    report.applied.push_back("api tokens (" + std::to_string(tokens_.size()) + ")");
  }
  report.tokens = tokens_;
  if (next->stopGrace.count() != stopGraceSeconds_) {
    stopGraceSeconds_ = next->stopGrace.count();
    report.applied.push_back("pipeline stopGraceSeconds " +
                             std::to_string(stopGraceSeconds_.load()));
  }
  if (next->record.enabled != config_.record.enabled) {
    report.restartNeeded.push_back("record enabled");
  } else if (record_ && !(next->record == config_.record)) {
    if (auto ok = record_->reconfigure(next->record); ok) {
      config_.record = next->record;
      report.applied.push_back("record (opt-out list: " + std::to_string(record_->optOutCount()) +
                               " NHS numbers; purpose of use " +
                               (next->record.requirePurposeOfUse ? "required" : "not required") +
                               ")");
    } else {
      report.failed.push_back("record: " + ok.error().describe() +
                              " (the opt-out list in force is kept)");
    }
  } else if (record_ && !next->record.optOuts.empty()) {
    // The same file named: it may have changed, and is read again.
    if (auto ok = record_->reconfigure(next->record); ok) {
      report.applied.push_back("record opt-out list read again (" +
                               std::to_string(record_->optOutCount()) + " NHS numbers)");
    } else {
      report.failed.push_back("record: " + ok.error().describe() +
                              " (the opt-out list in force is kept)");
    }
  }
  reloadChannels(next->channels, report);
  if (!(next->alerts == alertsConfig_)) {
    alertsConfig_ = next->alerts;
    if (alerts_) alerts_->reconfigure(alertsConfig_);
    report.applied.push_back("alerts (" + std::to_string(alertsConfig_.rules.size()) + " rules, " +
                             std::to_string(alertsConfig_.rotas.size()) + " rotas)");
  }
  if (leases_) leases_->setDestinations(destinationsOf(next->channels, alertsConfig_));
  for (const auto& a : report.applied) log().information("reload: %s", a);
  for (const auto& r : report.restartNeeded) {
    log().warning("reload: %s changed and takes effect at the next start", r);
  }
  for (const auto& f : report.failed) log().error("reload: %s", f);
  if (report.applied.empty() && report.restartNeeded.empty() && report.failed.empty()) {
    log().information("reload: nothing changed");
  }
  return report;
}

Result<http::RerouteReport> Hub::rerouteOrder(const std::string& placer) {
  std::lock_guard lock(mutex_);
  http::RerouteReport report;
  bool found = false;
  for (auto& slot : slots_) {
    if (!slot.channel || slot.config->orders.catalogue.empty()) continue;
    auto done = slot.channel->rerouteOrder(placer);
    if (!done) {
      if (done.error().code == ErrorCode::kNotFound) continue;
      return tl::unexpected(done.error());
    }
    found = true;
    report.routed.insert(report.routed.end(), done->routed.begin(), done->routed.end());
    report.stillStuck.insert(report.stillStuck.end(), done->stillStuck.begin(),
                             done->stillStuck.end());
  }
  if (!found) {
    return fail(ErrorCode::kNotFound,
                "no part of order " + placer + " waits in an exceptions destination");
  }
  return report;
}

void Hub::reloadChannels(const std::vector<config::ChannelConfig>& next,
                         http::ReloadReport& report) {
  std::vector<Slot> kept;
  std::vector<bool> taken(slots_.size(), false);
  for (const auto& c : next) {
    std::size_t at = slots_.size();
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!taken[i] && slots_[i].config->name == c.name) at = i;
    }
    const std::string print = tablesPrint(c);
    if (at == slots_.size()) {
      Slot slot;
      slot.config = std::make_shared<const config::ChannelConfig>(c);
      slot.tablesPrint = print;
      slot.stats = std::make_shared<pipeline::ChannelStats>(c);
      if (auto ok = startChannel(slot, true); !ok) {
        report.failed.push_back("channel " + c.name +
                                " added but did not start: " + ok.error().text);
      } else {
        report.applied.push_back("channel " + c.name + " added");
      }
      kept.push_back(std::move(slot));
      continue;
    }
    taken[at] = true;
    Slot& slot = slots_[at];
    if (*slot.config == c && slot.tablesPrint == print) {
      kept.push_back(std::move(slot));
      continue;
    }
    const std::string what = changedParts(*slot.config, c, slot.tablesPrint != print);
    stopChannel(slot);
    // The figures go on unless the destinations changed (they are counted per destination).
    if (destinationNames(*slot.config) != destinationNames(c)) {
      slot.stats = std::make_shared<pipeline::ChannelStats>(c);
    }
    slot.config = std::make_shared<const config::ChannelConfig>(c);
    slot.tablesPrint = print;
    if (auto ok = startChannel(slot, true); !ok) {
      report.failed.push_back("channel " + c.name + " changed (" + what +
                              ") but did not start again: " + ok.error().text);
    } else {
      report.applied.push_back("channel " + c.name + " restarted: " + what + " changed");
    }
    kept.push_back(std::move(slot));
  }
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (taken[i]) continue;
    stopChannel(slots_[i]);
    report.applied.push_back("channel " + slots_[i].config->name +
                             " removed (what it has not delivered stays in the journal, and"
                             " goes out if the channel comes back)");
  }
  slots_ = std::move(kept);
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
  for (const auto& channel : channelConfigs()) {
    const config::ChannelConfig& c = *channel;
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
    std::shared_ptr<const config::ChannelConfig> c;
    for (const auto& candidate : channelConfigs()) {
      if (candidate->name == o.channel) c = candidate;
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
  for (const auto& channel : channelConfigs()) {
    const config::ChannelConfig& c = *channel;
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
  return journal_->prune(retentionDays_);
}

}  // namespace pathhub::daemon

namespace pathhub::daemon {

Result<std::unique_ptr<pipeline::Mapper>> Hub::scriptMapper(const std::string& name,
                                                            const std::string& text) {
  std::shared_ptr<const config::ChannelConfig> config;
  {
    std::lock_guard lock(mutex_);
    Slot* slot = find(name);
    if (!slot) return fail(ErrorCode::kNotFound, "no channel '" + name + "'");
    config = slot->config;
  }
  if (config->script.empty()) {
    return fail(ErrorCode::kInvalidState,
                "channel " + name +
                    " maps with no script (it passes messages through); name one"
                    " in its <mapper script> first");
  }
  lua::ScriptOptions options = scriptOptionsFor(*config);
  options.text = text;
  options.logLines = false;
  auto mapper = lua::LuaMapper::create(options, name);
  if (!mapper) return tl::unexpected(mapper.error());
  return std::unique_ptr<pipeline::Mapper>(std::move(*mapper));
}

Result<replay::ReplaySummary> Hub::replayScript(const std::string& name, pipeline::Mapper& mapper,
                                                const replay::ReplayOptions& options) {
  // Copied under the lock, so a replay of a week's traffic holds up neither the API nor a
  // restart of the channel (which makes new decisions; these stay valid while shared).
  std::shared_ptr<const config::ChannelConfig> config;
  pipeline::ChannelDecisionSet decisions;
  {
    std::lock_guard lock(mutex_);
    Slot* slot = find(name);
    if (!slot) return fail(ErrorCode::kNotFound, "no channel '" + name + "'");
    if (!journal_) return fail(ErrorCode::kUnavailable, "the hub is not running");
    config = slot->config;
    if (slot->channel) decisions = slot->channel->decisions();
  }
  replay::ReplayOptions o = options;
  o.channel = name;
  const auto plan = [&](pipeline::MapResult result, const std::string& answered) {
    return pipeline::planMapping(*config, decisions, std::move(result), answered);
  };
  return replay::diffReplay(*journal_, mapper, plan, o);
}

Result<std::int64_t> Hub::deployScript(const std::string& name, const std::string& text,
                                       const std::string& by, const std::string& origin,
                                       const std::string& action) {
  std::lock_guard lock(mutex_);
  Slot* slot = find(name);
  if (!slot) return fail(ErrorCode::kNotFound, "no channel '" + name + "'");
  if (!slot->channel || !slot->channel->scriptVersions()) {
    return fail(ErrorCode::kInvalidState,
                "channel " + name + " maps with no script, or is not running");
  }
  return slot->channel->scriptVersions()->deploy(text, by, origin, action);
}

namespace {

// Percent of the file system holding `path` that the hub may still write; none when it cannot
// be read (a PostgreSQL journal has no path here).
std::optional<double> diskFreePercent(const std::string& path) {
  std::error_code ignored;
  const auto folder = std::filesystem::absolute(path, ignored).parent_path();
  struct statvfs fs {};
  if (statvfs(folder.c_str(), &fs) != 0 || fs.f_blocks == 0) return std::nullopt;
  return 100.0 * static_cast<double>(fs.f_bavail) / static_cast<double>(fs.f_blocks);
}

}  // namespace

Result<alerts::HubFacts> Hub::facts() {
  alerts::HubFacts out;
  out.atMs = journal::nowMs();
  std::chrono::seconds window{86400};  // unmatched results: a day, unless a rule says
  bool sqlite = false;
  {
    std::lock_guard lock(mutex_);
    if (!journal_) return fail(ErrorCode::kUnavailable, "the hub is not running");
    std::chrono::seconds longest{0};
    for (const auto& rule : alertsConfig_.rules) {
      if (rule.condition == "unmatched_results") longest = std::max(longest, rule.window);
    }
    if (longest.count() > 0) window = longest;
    sqlite = config_.journal.backend == "sqlite";
  }
  out.unmatchedWindowMs = window.count() * 1000;
  auto attention = journal_->attentionCounts(out.atMs - out.unmatchedWindowMs);
  if (!attention) return tl::unexpected(attention.error());
  for (const auto& view : channels()) {
    alerts::ChannelFacts c;
    c.name = view.name;
    c.state = view.state;
    c.scriptErrors = view.stats->mappingFailed.value();
    for (const auto& a : *attention) {
      if (a.channel != view.name) continue;
      c.acknowledgementsOverdue = a.acknowledgementsOverdue;
      c.ordersOverdue = a.ordersOverdue;
      c.unmatchedResults = a.unmatchedResults;
    }
    out.channels.push_back(c);
    auto backlog = journal_->backlog(view.name);
    if (!backlog) return tl::unexpected(backlog.error());
    for (const auto& d : view.stats->destinations) {
      alerts::DestinationFacts f;
      f.channel = view.name;
      f.destination = d.name;
      f.failing = d.failing();
      for (const auto& b : *backlog) {
        if (b.destination != d.name) continue;
        f.backlog = b.pending;
        f.oldestUndeliveredAtMs = b.oldestReceivedAtMs;
      }
      out.destinations.push_back(f);
    }
  }
  if (sqlite) out.journalDiskFreePercent = diskFreePercent(config_.journal.path);
  if (leases_) {
    auto seen = cluster();
    if (!seen) return tl::unexpected(seen.error());
    for (const auto& n : seen->nodes) out.nodes.push_back({n.name, n.alive, n.sinceBeatMs});
    out.speaksForJournal =
        leases_->held(kAlertChecksLease.first, kAlertChecksLease.second).has_value();
  }
  return out;
}

}  // namespace pathhub::daemon
