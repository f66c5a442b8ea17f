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

// Runs one plugin call with an output gathering into a Conversion.
template <typename Call>
Result<pipeline::Conversion> gather(const Call& call) {
  pipeline::Conversion out;
  const phub_output sink{&out, collectMessage, collectWarning};
  char error[kErrorSize] = "";
  if (call(&sink, error) != 0) {
    return fail(ErrorCode::kInvalidValue, *error ? error : "the codec gave no reason");
  }
  return out;
}

}  // namespace

pipeline::Converter converter(const phub_codec_kind& codec, Direction direction,
                              std::shared_ptr<void> instance) {
  const bool decoding = direction == Direction::kDecode;
  if (instance) {
    const auto fn = decoding ? codec.decode_with : codec.encode_with;
    return {codec.type, [fn, instance](std::string_view bytes) {
              return gather([&](const phub_output* sink, char* error) {
                return fn(instance.get(), bytes.data(), bytes.size(), sink, error, kErrorSize);
              });
            }};
  }
  const auto fn = decoding ? codec.decode : codec.encode;
  return {codec.type, [fn](std::string_view bytes) {
            return gather([&](const phub_output* sink, char* error) {
              return fn(bytes.data(), bytes.size(), sink, error, kErrorSize);
            });
          }};
}

}  // namespace pathhub::plugin
