// Hub wiring (see hub.h).
#include "daemon/hub.h"

#include <Poco/Logger.h>

#include <filesystem>

#include "lua/lua_mapper.h"
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

}  // namespace

Hub::Hub(config::HubConfig config, std::shared_ptr<const plugin::PluginRegistry> plugins)
    : config_(std::move(config)), plugins_(std::move(plugins)) {}

Hub::~Hub() { stop(); }

Result<void> Hub::start() {
  journal::JournalOptions options;
  options.path = config_.journal.path;
  options.dedupeWindow = config_.journal.dedupeWindow;
  auto journal = journal::Journal::open(options);
  if (!journal) return tl::unexpected(journal.error());
  journal_ = std::move(*journal);
  for (const auto& c : config_.channels) {
    auto channel = std::make_unique<pipeline::Channel>(c, *journal_, zmq_, mapperFactory(c),
                                                       plugin::destinationFactory(*plugins_));
    if (auto ok = channel->start(); !ok) return ok;
    channels_.push_back(std::move(channel));
  }
  for (auto& channel : channels_) {
    auto source = plugin::makeSource(*plugins_, *channel);
    if (!source) return tl::unexpected(source.error());
    // A source that does not start has marked its channel faulted; the others go on.
    if (auto ok = (*source)->start(); ok) sources_.push_back(std::move(*source));
  }
  return {};
}

void Hub::stop() {
  for (auto& s : sources_) s->stop();
  sources_.clear();
  for (auto& c : channels_) c->stop();
  channels_.clear();
  journal_.reset();
}

std::vector<std::pair<std::string, std::string>> Hub::faults() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : channels_) {
    if (auto why = c->faultReason(); !why.empty()) out.emplace_back(c->config().name, why);
  }
  return out;
}

Result<int> Hub::prune() {
  if (!journal_) return 0;
  return journal_->prune(config_.journal.retentionDays);
}

}  // namespace pathhub::daemon
