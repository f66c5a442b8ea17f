// What the journal keeps of mapping scripts (schema 4, journal/scripts.cc) and what a
// diff-replay reads back of a channel's history (core/replay).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pathhub::journal {

// A script text a channel has run, numbered per channel (1, 2, …) in the order the channel
// first ran it; the same text run again is the same version.
struct ScriptVersionRecord {
  std::int64_t version = 0;
  std::string channel;
  std::string hash;          // SHA-256 of the text (MapResult::scriptHash)
  std::string script;        // the file it ran as
  bool contentKept = false;  // false: the file changed again before the hub read it
  std::int64_t createdAtMs = 0;
  std::string createdBy, origin;  // who brought it ("file" for an edit on disk) and from where
};

// A change of a channel's live version: deployed through the API, rolled back, or loaded from
// an edited file.
struct ScriptDeploymentRecord {
  std::int64_t version = 0;
  std::int64_t atMs = 0;
  std::string by, origin, action;
};

// A version to record (Journal::recordScriptVersion).
struct NewScriptVersion {
  std::string channel, hash, script;
  std::optional<std::string> content;  // nullopt: the text is no longer there to keep
  std::string by, origin;
  std::string action;  // "loaded", "deployed", "rolled back"
};

// What a channel made of one message it received: read back by a diff-replay.
struct HistoryRecord {
  std::int64_t id = 0;
  std::int64_t receivedAtMs = 0;
  std::string controlId, messageType;
  std::string state;     // mapped, filtered or failed
  std::string error;     // why filtered or failed
  std::string bytes;     // as received
  std::string produced;  // what the mapping made of it (mapped messages: the copy delivered)
  std::vector<std::string> destinations;  // where it was routed (its deliveries), first first
  std::vector<std::string> made;          // messages the mapping made from it, in order
  std::int64_t scriptVersion = 0;         // 0: mapped before versions were kept, or no script
};

struct HistoryWindow {
  std::string channel;
  std::int64_t fromMs = 0, toMs = 0;  // received in [from, to); 0: unbounded
  std::int64_t afterId = 0;           // paging: ids above this
  int limit = 1000;
};

}  // namespace pathhub::journal
