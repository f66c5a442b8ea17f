// A codec plugin's decode or encode function as the pipeline's Converter: the plugin's
// phub_output callbacks gather the messages and warnings it makes, and its error text becomes
// the conversion's error.
#pragma once

#include <string>

#include "pathhub/plugin.h"
#include "pipeline/converter.h"
#include "plugin/plugin_registry.h"

namespace pathhub::plugin {

enum class Direction { kDecode, kEncode };

pipeline::Converter converter(const phub_codec_kind& codec, Direction direction);

// The converter for `name` from the registry; an error names `where` when no plugin provides
// it. An empty name gives an empty converter (no conversion).
Result<pipeline::Converter> findConverter(const PluginRegistry& registry, const std::string& name,
                                          Direction direction, const std::string& where);

}  // namespace pathhub::plugin
