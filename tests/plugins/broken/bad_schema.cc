// A plugin whose config schema names one key twice: refused at load, not at first use.
#include "pathhub/plugin_sdk.hpp"

namespace {
struct Nothing : pathhub::sdk::Destination {
  explicit Nothing(const pathhub::sdk::Host&) {}
  pathhub::sdk::Delivery deliver(std::string_view, std::int64_t) override { return {}; }
};
constexpr phub_config_key kKeys[] = {
    {"folder", PHUB_KEY_PATH, nullptr, 1, 0, 0, "once"},
    {"folder", PHUB_KEY_PATH, nullptr, 1, 0, 0, "twice"},
};
}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_destination_kind kKinds[] = {
      pathhub::sdk::destinationKind<Nothing>("bad_schema", "duplicate keys", kKeys)};
  static const phub_plugin kPlugin =
      pathhub::sdk::describe("bad_schema", "1.0.0", "broken on purpose", {}, kKinds);
  return &kPlugin;
}
