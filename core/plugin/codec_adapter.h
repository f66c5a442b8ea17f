// A codec plugin's decode or encode function as the pipeline's Converter: the plugin's
// phub_output callbacks gather the messages and warnings it makes, and its error text becomes
// the conversion's error. Making a configured codec's instance (its settings checked, a host
// for its log lines) is plugin_host.h's makeConverter.
#pragma once

#include <memory>
#include <string>

#include "pathhub/plugin.h"
#include "pipeline/converter.h"

namespace pathhub::plugin {

enum class Direction { kDecode, kEncode };

// `instance`: a configured codec's instance (ABI 1.2), converted through decode_with or
// encode_with; the converter's copies share it and the last one destroys it. Null: the codec's
// decode or encode, every setting at its default.
pipeline::Converter converter(const phub_codec_kind& codec, Direction direction,
                              std::shared_ptr<void> instance = nullptr);

}  // namespace pathhub::plugin
