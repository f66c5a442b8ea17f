// Diff-replay: a mapping script tried on the traffic a channel really received, read from the
// journal, and each result compared with what the channel made of that message at the time —
// the mapped copy it delivered, where it routed it, whether it filtered or failed it, what
// else the mapping made. Read-only: nothing is delivered, routed or written; the mapper runs
// in the caller's thread and its log lines stay with its results.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hl7/diff.h"
#include "journal/journal.h"
#include "pathhub/error.h"
#include "pipeline/mapper.h"
#include "pipeline/mapping_plan.h"

namespace pathhub::replay {

struct ReplayOptions {
  std::string channel;
  std::int64_t fromMs = 0, toMs = 0;  // received in [from, to); 0: unbounded
  std::int64_t limit = 0;             // at most this many messages (0: all in the window)
  std::size_t keepChanges = 1000;     // changed messages whose details are kept
  // Called after each page of messages with how many were replayed so far and the id of the
  // last (ids rise with the time received: how far through the window it has come).
  std::function<void(std::int64_t done, std::int64_t lastId)> progress;
};

// How one message's outcome moved. A message may be in several (content changed and routed
// differently); `changed` counts it once.
enum class Change {
  kContent,           // mapped both times, the message differs
  kRouting,           // mapped both times, other destinations
  kMade,              // the messages the mapping made differ
  kNewlyFailing,      // mapped or filtered before, fails now
  kNewlyFiltered,     // mapped or failed before, filtered now
  kNoLongerFailing,   // failed before, mapped or filtered now
  kNoLongerFiltered,  // filtered before, mapped or failed now
  kReasonChanged,     // failed (or filtered) both times, for another reason
};
const char* changeName(Change change);

struct ChangedMessage {
  std::int64_t id = 0;
  std::int64_t receivedAtMs = 0;
  std::string controlId, messageType;
  std::vector<Change> changes;
  std::string before, after;  // "mapped", "filtered: reason", "failed: reason"
  std::vector<hl7::FieldChange> fields;
  std::vector<std::string> routesBefore, routesAfter;
  std::int64_t madeBefore = 0, madeAfter = 0;
  std::int64_t scriptVersionBefore = 0;
};

struct ReplaySummary {
  std::string channel;
  std::int64_t fromMs = 0, toMs = 0;
  std::int64_t messages = 0, unchanged = 0, changed = 0;
  std::map<Change, std::int64_t> counts;
  // Per field (repetitions folded: "OBX-3.4"), how many messages it changed in.
  std::map<std::string, std::int64_t> fields;
  std::vector<ChangedMessage> details;  // the first keepChanges changed messages
  double seconds = 0;
};

// What the channel would do with a mapping result now (pipeline::planMapping with the
// channel's configuration and decisions). `answered`: the reason a message that only answered
// earlier ones was filtered with — a replay does not settle answers again (that writes), so a
// message the channel filtered keeps its reason when no route takes it now either.
using Planner =
    std::function<pipeline::MappingPlan(pipeline::MapResult, const std::string& answered)>;

// Runs `mapper` on every message the window holds and compares; stops at `limit`.
Result<ReplaySummary> diffReplay(journal::Journal& journal, pipeline::Mapper& mapper,
                                 const Planner& plan, const ReplayOptions& options);

// "OBX[2]-3[1].4" → "OBX-3.4"; "segment 7" stays.
std::string fieldOf(const std::string& path);

}  // namespace pathhub::replay
