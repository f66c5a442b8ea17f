// A plugin that loads fine but fails at run time, to prove that only its own channel suffers:
// destination "throws_in_create" throws from its constructor, "throws_in_deliver" from
// deliver() (after the message id given by its setting failAt), and source
// "throws_in_start" from start() and "throws_in_stop" from stop().
#include <stdexcept>

#include "pathhub/plugin_sdk.hpp"

namespace {

struct ThrowsInCreate : pathhub::sdk::Destination {
  explicit ThrowsInCreate(const pathhub::sdk::Host&) {
    throw std::runtime_error("cannot reach the licence server");
  }
  pathhub::sdk::Delivery deliver(std::string_view, std::int64_t) override { return {}; }
};

struct ThrowsInDeliver : pathhub::sdk::Destination {
  explicit ThrowsInDeliver(const pathhub::sdk::Host& host) : failAt_(host.integer("failAt")) {}
  pathhub::sdk::Delivery deliver(std::string_view, std::int64_t id) override {
    if (id >= failAt_) throw std::logic_error("vendor library crashed on message");
    return pathhub::sdk::Delivery::delivered();
  }
  long long failAt_;
};

struct ThrowsInStart : pathhub::sdk::Source {
  explicit ThrowsInStart(const pathhub::sdk::Host&) {}
  void start() override { throw std::runtime_error("port already taken by the old interface"); }
  void stop() override {}
};

struct ThrowsInStop : pathhub::sdk::Source {
  explicit ThrowsInStop(const pathhub::sdk::Host&) {}
  void start() override {}
  void stop() override { throw std::runtime_error("listener thread would not join"); }
};

constexpr phub_config_key kDeliverKeys[] = {
    {"failAt", PHUB_KEY_INTEGER, "1", 0, 0, 1000000000, "first message id that throws"}};

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_source_kind kSources[] = {
      pathhub::sdk::sourceKind<ThrowsInStart>("throws_in_start", "fails to start",
                                              std::span<const phub_config_key>()),
      pathhub::sdk::sourceKind<ThrowsInStop>("throws_in_stop", "fails to stop",
                                             std::span<const phub_config_key>())};
  static const phub_destination_kind kDestinations[] = {
      pathhub::sdk::destinationKind<ThrowsInCreate>("throws_in_create", "fails to create",
                                                    std::span<const phub_config_key>()),
      pathhub::sdk::destinationKind<ThrowsInDeliver>("throws_in_deliver", "fails to deliver",
                                                     kDeliverKeys)};
  static const phub_plugin kPlugin = pathhub::sdk::describe(
      "faulty", "1.0.0", "fails at run time on purpose", kSources, kDestinations);
  return &kPlugin;
}
