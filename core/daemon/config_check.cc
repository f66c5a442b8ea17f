// Checking a configuration against the plugins and its tables (see config_check.h).
#include "daemon/config_check.h"

#include "orders/test_catalogue.h"
#include "plugin/plugin_host.h"
#include "routing/practice_router.h"

namespace pathhub::daemon {

std::string configurationProblems(const plugin::PluginRegistry& plugins,
                                  const config::HubConfig& config) {
  std::string problems = plugin::checkChannels(plugins, config.channels);
  auto add = [&problems](const std::string& text) {
    problems += (problems.empty() ? "" : "\n") + text;
  };
  for (const auto& c : config.channels) {
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
