// The smallest useful plugin, and the template for a site's own: a destination that writes
// each message's id and size to the hub's log, and counts them. It is built outside the
// pathhub tree (see CMakeLists.txt), against the installed SDK headers only.
#include <pathhub/plugin_sdk.hpp>

namespace {

class EchoDestination : public pathhub::sdk::Destination {
 public:
  explicit EchoDestination(const pathhub::sdk::Host& host)
      : host_(host), prefix_(host.text("prefix", "echo")) {}

  pathhub::sdk::Delivery deliver(std::string_view bytes, std::int64_t messageId) override {
    host_.log(PHUB_LOG_INFO, prefix_ + ": message " + std::to_string(messageId) + ", " +
                                 std::to_string(bytes.size()) + " bytes");
    host_.count("echoed");
    return pathhub::sdk::Delivery::delivered();
  }

 private:
  pathhub::sdk::Host host_;
  std::string prefix_;
};

constexpr phub_config_key kKeys[] = {
    {"prefix", PHUB_KEY_STRING, "echo", 0, 0, 0, "text each log line starts with"}};

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_destination_kind kDestinations[] = {
      pathhub::sdk::destinationKind<EchoDestination>("echo", "logs each message's id and size",
                                                     kKeys)};
  static const phub_plugin kPlugin = pathhub::sdk::describe(
      "example_echo", "1.0.0", "an out-of-tree example plugin", {}, kDestinations);
  return &kPlugin;
}
