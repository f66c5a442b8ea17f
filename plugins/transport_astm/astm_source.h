// ASTM source: analysers connect over TCP and send results with the ASTM E1381 low-level
// protocol and E1394 records (CLSI LIS2-A2). Each message (H..L) becomes an HL7 v2.5
// ORU^R01 that is handed to the hub; the frame that completes a message is ACKed only once
// the hub has committed it (NAKed when the hub is busy or the journal failed, so the analyser
// sends it again). A message that cannot be converted, or a transmission that ends before its
// L record, is kept as refused with the raw records and the reason.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "astm_records.h"
#include "pathhub/plugin_sdk.hpp"

namespace Poco::Net {
class TCPServer;
}

namespace pathhub::transport_astm {

class AstmSource : public sdk::Source {
 public:
  explicit AstmSource(const sdk::Host& host);
  ~AstmSource() override;
  void start() override;
  void stop() override;

  struct Shared {
    explicit Shared(const sdk::Host& h) : host(h) {}
    sdk::Host host;
    OruOptions oru;
    std::chrono::seconds frameTimeout{30};
    std::atomic<bool> stopping{false};
  };

 private:
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace pathhub::transport_astm
