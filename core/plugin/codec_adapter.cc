// Codec plugins as pipeline converters (see codec_adapter.h).
#include "plugin/codec_adapter.h"

namespace pathhub::plugin {
namespace {

constexpr std::size_t kErrorSize = 1024;

void collectMessage(void* self, const char* bytes, std::size_t size) {
  static_cast<pipeline::Conversion*>(self)->messages.emplace_back(bytes, size);
}

void collectWarning(void* self, const char* text) {
  static_cast<pipeline::Conversion*>(self)->warnings.emplace_back(text ? text : "");
}

}  // namespace

pipeline::Converter converter(const phub_codec_kind& codec, Direction direction) {
  const auto fn = direction == Direction::kDecode ? codec.decode : codec.encode;
  const std::string name = codec.type;
  return {name, [fn, name](std::string_view bytes) -> Result<pipeline::Conversion> {
            pipeline::Conversion out;
            const phub_output sink{&out, collectMessage, collectWarning};
            char error[kErrorSize] = "";
            if (fn(bytes.data(), bytes.size(), &sink, error, sizeof error) != 0) {
              return fail(ErrorCode::kInvalidValue, *error ? error : "the codec gave no reason");
            }
            return out;
          }};
}

Result<pipeline::Converter> findConverter(const PluginRegistry& registry, const std::string& name,
                                          Direction direction, const std::string& where) {
  if (name.empty()) return pipeline::Converter{};
  const phub_codec_kind* codec = registry.codec(name);
  if (!codec) {
    return fail(ErrorCode::kInvalidValue, where + ": no plugin provides codec '" + name + "'");
  }
  return converter(*codec, direction);
}

}  // namespace pathhub::plugin
