// Checking a configuration against the plugins and its tables (see config_check.h).
#include "daemon/config_check.h"

#include <filesystem>

#include "orders/test_catalogue.h"
#include "plugin/plugin_host.h"
#include "routing/practice_router.h"

namespace pathhub::daemon {

lua::ScriptOptions scriptOptionsFor(const config::ChannelConfig& c) {
  lua::ScriptOptions options;
  options.script = c.script;
  options.scriptsRoot = c.scriptsRoot;
  options.limits.instructions = c.scriptInstructionLimit;
  options.limits.memoryBytes = c.scriptMemoryLimitBytes;
  options.limits.timeLimit = c.scriptTimeLimit;
  options.tables =
      std::make_shared<lua::CodeTables>(std::filesystem::path(c.scriptsRoot) / "tables");
  return options;
}

std::string configurationProblems(const plugin::PluginRegistry& plugins,
                                  const config::HubConfig& config) {
  std::string problems = plugin::checkChannels(plugins, config.channels);
  auto add = [&problems](const std::string& text) {
    problems += (problems.empty() ? "" : "\n") + text;
  };
  for (const auto& c : config.channels) {
    // The mapping script is compiled and loaded as the start would, so a missing or broken one
    // is named here rather than stopping the start.
    if (!c.script.empty()) {
      if (auto mapper = lua::LuaMapper::create(scriptOptionsFor(c), c.name); !mapper) {
        add("channel '" + c.name + "' mapper: " + mapper.error().describe());
      }
    }
    if (!c.orders.catalogue.empty()) {
      auto catalogue = orders::TestCatalogue::load(c.orders.catalogue);
      Result<void> ok = catalogue ? Result<void>{} : tl::unexpected(catalogue.error());
      if (catalogue && !c.orders.requesterLabs.empty()) {
        ok = catalogue->loadRequesterLabs(c.orders.requesterLabs);
      }
      if (!ok) add(ok.error().text);
    }
    if (!c.practices.enabled) continue;
    if (auto router = routing::PracticeRouter::make(c.practices, "channel " + c.name); !router) {
      add(router.error().text);
    }
  }
  return problems;
}

}  // namespace pathhub::daemon
