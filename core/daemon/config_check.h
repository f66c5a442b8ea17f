// What a configuration needs beyond being well-formed, checked the same way by
// --check-config, at start-up and before a reload is applied: each channel's plugin settings
// against its plugin's schema, its test catalogue and requester table, and its practice
// directory. A reload whose configuration fails here is refused and the running one kept.
#pragma once

#include <string>

#include "config/hub_config.h"
#include "lua/lua_mapper.h"
#include "plugin/plugin_registry.h"

namespace pathhub::daemon {

// How a channel's mapping script is run: its file, folders and limits from the configuration.
lua::ScriptOptions scriptOptionsFor(const config::ChannelConfig& channel);

// Every problem, one per line; "" when there is none.
std::string configurationProblems(const plugin::PluginRegistry& plugins,
                                  const config::HubConfig& config);

}  // namespace pathhub::daemon
