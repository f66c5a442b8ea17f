// The hub side of plugin instances: the phub_host_api table plugins call, and the adapters
// that make a plugin's source or destination a pipeline::Source or pipeline::Destination.
//
// Every call into a plugin is checked: a failed create or start, or a deliver() answering
// PHUB_FAULT (a C++ plugin's exception, through the SDK), marks the instance's channel faulted
// with the reason; the hub and its other channels go on, and a message whose delivery faulted
// stays pending for when the channel is fixed.
#pragma once

#include <memory>

#include "pipeline/channel.h"
#include "pipeline/destination.h"
#include "pipeline/source.h"
#include "plugin/codec_adapter.h"
#include "plugin/plugin_registry.h"

namespace pathhub::plugin {

// The source of `channel`, from the plugin providing its type; settings checked.
Result<std::unique_ptr<pipeline::Source>> makeSource(const PluginRegistry& registry,
                                                     pipeline::Channel& channel);

// Makes the channel's destinations from the plugins providing their types.
pipeline::DestinationFactory destinationFactory(const PluginRegistry& registry);

// The converter for codec `name` ("" gives an empty one: no conversion), its <codecSettings>
// checked against the codec's keys; a configured codec (ABI 1.2) gets its own instance, which
// logs as [plugin:channel:instance]. Errors name `where` ("channel 'lab' source").
Result<pipeline::Converter> makeConverter(const PluginRegistry& registry, const std::string& name,
                                          const config::PluginSettings& settings,
                                          Direction direction, const std::string& channel,
                                          const std::string& instance, const std::string& where);

// Every problem with the channels' source and destination settings, one line each ("" when
// none): unknown types and settings their plugin's schema refuses. For --check-config.
std::string checkChannels(const PluginRegistry& registry,
                          const std::vector<config::ChannelConfig>& channels);

}  // namespace pathhub::plugin
