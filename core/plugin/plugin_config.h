// A plugin instance's settings checked against the schema its plugin declares: unknown keys,
// missing required keys, numbers out of range, booleans and endpoints that do not read are
// reported together, each naming the element. What passes becomes the phub_config a plugin
// reads through the host API, defaults filled in.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "pathhub/error.h"
#include "pathhub/plugin.h"

// The opaque handle of plugin.h: the checked values, defaults included.
struct phub_config {
  std::map<std::string, std::string> values;
};

namespace pathhub::plugin {

// `where` names the element in messages ("channel 'demo' source").
Result<phub_config> checkSettings(const phub_config_key* keys, std::size_t count,
                                  const config::PluginSettings& given, const std::string& where);

// Problems with a schema itself (a plugin author's mistake), "" when it is sound.
std::string schemaProblem(const phub_config_key* keys, std::size_t count);

}  // namespace pathhub::plugin
