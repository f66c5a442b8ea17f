// The mapping step of a channel: turns a received message into what its destinations get,
// and decides which destinations those are. A channel with a script uses lua::LuaMapper; one
// without uses PassThroughMapper.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pathhub::pipeline {

struct MapContext {
  std::string channel;
  std::int64_t messageId = 0;
};

// A new message a mapping made (a part of a split report, an ACK): delivered after the message
// it came from, in that message's place in journal order.
struct DerivedMessage {
  std::string bytes;
  std::vector<std::string> routes;  // empty means the channel's routes for its type
};

// What a mapping says about routing beyond the destinations it names.
struct RoutingHints {
  std::string practice;  // the requesting practice's ODS code, overriding what the message says
  std::string lane;      // the key that picks the ordered lane of its deliveries (lane_key.h)
};

struct MapResult {
  enum class Kind { kMapped, kFiltered, kFailed };
  Kind kind = Kind::kMapped;
  std::string bytes;                         // the mapped message (kMapped)
  std::vector<std::string> routes;           // destinations; empty means the channel's routes
  std::string reason;                        // why filtered or failed
  std::vector<DerivedMessage> derived = {};  // kept when mapped or filtered, dropped on failure
  std::vector<std::string> notes = {};       // lines the script logged, kept in the journal
  RoutingHints hints = {};
  // SHA-256 of the script that mapped it ("" without a script): the version the journal
  // records with the message (Journal::recordScriptVersion).
  std::string scriptHash = {};
};

// One message of a batch to map: its bytes (not owned) and context.
struct MapRequest {
  const std::string* bytes;
  MapContext context;
};

// One Mapper per mapper worker thread: implementations need not be thread-safe.
class Mapper {
 public:
  virtual ~Mapper() = default;
  virtual MapResult map(const std::string& bytes, const MapContext& context) = 0;
  // Maps a batch in order, one result per request, each as map() would. By default one by
  // one; a mapper for which each call is a hand-off to another process sends them together.
  // Once `stopping` says so, it returns early with the results of the messages it finished
  // (a prefix of the batch); the rest are not mapped.
  virtual std::vector<MapResult> mapAll(const std::vector<MapRequest>& batch,
                                        const std::function<bool()>& stopping = nullptr);
  // Called when the worker has had nothing to map for a moment (about once a second): the
  // time to notice a changed script, so a saved edit goes live (or shows its error) before
  // the next message arrives.
  virtual void idle() {}
  // Why the mapping's current version did not load ("" when it did): a saved script that does
  // not compile leaves the previous version live, and the channel shows this.
  virtual std::string loadError() const { return {}; }
};

// Parses the message (so a mapping failure is visible the same way a script's would be) and
// passes it on unchanged to every destination.
class PassThroughMapper : public Mapper {
 public:
  MapResult map(const std::string& bytes, const MapContext& context) override;
};

}  // namespace pathhub::pipeline
