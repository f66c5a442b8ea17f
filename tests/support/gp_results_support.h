// What the end-to-end tests of results to GP practices share (tests/integration/gp_*_test.cc):
// the DHCW sample addressed to a practice and sent to the hub over MLLP, the MESH keys of the
// hub's own mailbox, and a message's deliveries and their answers read through the API.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mesh_test_server.h"

namespace pathhub::testing {

// The DHCW sample (two reports) for `practice` (ORC-21) with control id `controlId`; without
// its lab numbers (OBR-2, OBR-3) when `labNumbers` is false.
std::string dhcwResultFor(const std::string& controlId, const std::string& practice,
                          bool labNumbers = true);
// Sends `message` to the hub's MLLP source on `port`; MSA-1 of the answer ("" when none).
std::string sendOverMllp(std::uint16_t port, const std::string& message);
// The keys of a MESH source or destination for the hub's mailbox HUB01 on `mesh`.
std::string hubMailboxKeys(const MeshTestServer& mesh, const std::string& sharedSecret);

// The operations API of a hub, as a clinical user reads it.
class GpApi {
 public:
  GpApi(std::uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}
  // GET `target`; fails the test unless it answers 200.
  Poco::JSON::Object::Ptr get(const std::string& target) const;
  // The journal id of the message with this control id on `channel` (0: none).
  std::int64_t messageId(const std::string& channel, const std::string& controlId) const;

  struct Delivery {
    std::string state, lastError, response;
    std::vector<std::string> answers;  // "awaiting", "accepted", "rejected: why", "overdue"
  };
  // The message's delivery to `destination`.
  Delivery delivery(std::int64_t id, const std::string& destination) const;
  // The details of the message's history events of this kind.
  std::vector<std::string> history(std::int64_t id, const std::string& kind) const;

 private:
  std::uint16_t port_;
  std::string token_;
};

}  // namespace pathhub::testing
