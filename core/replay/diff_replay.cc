// Diff-replay (see diff_replay.h).
#include "replay/diff_replay.h"

#include <algorithm>
#include <chrono>

#include "hl7/message.h"

namespace pathhub::replay {
namespace {

using pipeline::MapResult;

std::string outcomeOf(const std::string& state, const std::string& reason) {
  return state == "mapped" ? state : state + ": " + reason;
}

std::string outcomeOf(const MapResult& r) {
  switch (r.kind) {
    case MapResult::Kind::kMapped:
      return "mapped";
    case MapResult::Kind::kFiltered:
      return "filtered: " + r.reason;
    case MapResult::Kind::kFailed:
      break;
  }
  return "failed: " + r.reason;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Compares one message's history with the plan for it now; what changed goes in `out`.
void compare(const journal::HistoryRecord& was, const pipeline::MappingPlan& now,
             ChangedMessage& out) {
  const MapResult& r = now.result;
  const bool wasMapped = was.state == "mapped", wasFailed = was.state == "failed",
             wasFiltered = was.state == "filtered";
  const bool isMapped = r.kind == MapResult::Kind::kMapped,
             isFailed = r.kind == MapResult::Kind::kFailed,
             isFiltered = r.kind == MapResult::Kind::kFiltered;
  out.before = outcomeOf(was.state, was.error);
  out.after = outcomeOf(r);
  out.routesBefore = was.destinations;
  out.routesAfter = isMapped ? now.record.destinations : std::vector<std::string>{};
  out.madeBefore = static_cast<std::int64_t>(was.made.size());
  out.madeAfter = static_cast<std::int64_t>(now.record.derived.size());
  if (isFailed && !wasFailed) out.changes.push_back(Change::kNewlyFailing);
  if (isFiltered && !wasFiltered) out.changes.push_back(Change::kNewlyFiltered);
  if (wasFailed && !isFailed) out.changes.push_back(Change::kNoLongerFailing);
  if (wasFiltered && !isFiltered) out.changes.push_back(Change::kNoLongerFiltered);
  if ((wasFailed && isFailed) || (wasFiltered && isFiltered)) {
    if (was.error != r.reason) out.changes.push_back(Change::kReasonChanged);
  }
  if (wasMapped && isMapped) {
    if (was.produced != r.bytes) {
      out.changes.push_back(Change::kContent);
      if (auto fields = hl7::diffMessageTexts(was.produced, r.bytes)) {
        out.fields = std::move(*fields);
      } else if (auto a = hl7::Message::parse(was.produced), b = hl7::Message::parse(r.bytes);
                 a && b) {
        out.fields = hl7::diffMessages(*a, *b);
      }
    }
    if (sorted(was.destinations) != sorted(now.record.destinations)) {
      out.changes.push_back(Change::kRouting);
    }
  }
  if (!isFailed) {
    bool same = was.made.size() == now.record.derived.size();
    for (std::size_t i = 0; same && i < was.made.size(); ++i) {
      same = was.made[i] == now.record.derived[i].bytes;
    }
    if (!same) out.changes.push_back(Change::kMade);
  }
}

}  // namespace

const char* changeName(Change change) {
  switch (change) {
    case Change::kContent:
      return "content changed";
    case Change::kRouting:
      return "routed differently";
    case Change::kMade:
      return "made messages differ";
    case Change::kNewlyFailing:
      return "newly failing";
    case Change::kNewlyFiltered:
      return "newly filtered";
    case Change::kNoLongerFailing:
      return "no longer failing";
    case Change::kNoLongerFiltered:
      return "no longer filtered";
    case Change::kReasonChanged:
      return "reason changed";
  }
  return "changed";
}

std::string fieldOf(const std::string& path) {
  std::string out;
  bool inBracket = false;
  for (char c : path) {
    if (c == '[') {
      inBracket = true;
    } else if (c == ']') {
      inBracket = false;
    } else if (!inBracket) {
      out += c;
    }
  }
  return out;
}

Result<ReplaySummary> diffReplay(journal::Journal& journal, pipeline::Mapper& mapper,
                                 const Planner& plan, const ReplayOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ReplaySummary summary;
  summary.channel = options.channel;
  summary.fromMs = options.fromMs;
  summary.toMs = options.toMs;
  journal::HistoryWindow window;
  window.channel = options.channel;
  window.fromMs = options.fromMs;
  window.toMs = options.toMs;
  window.limit = 1000;
  for (;;) {
    if (options.limit) {
      window.limit =
          static_cast<int>(std::min<std::int64_t>(1000, options.limit - summary.messages));
      if (window.limit <= 0) break;
    }
    auto page = journal.channelHistory(window);
    if (!page) return tl::unexpected(page.error());
    if (page->empty()) break;
    for (const journal::HistoryRecord& was : *page) {
      MapResult result;
      try {
        result = mapper.map(was.bytes, pipeline::MapContext{options.channel, was.id});
      } catch (const std::exception& e) {
        result = {MapResult::Kind::kFailed, {}, {}, std::string("mapping threw: ") + e.what()};
      }
      const pipeline::MappingPlan now =
          plan(std::move(result), was.state == "filtered" ? was.error : std::string());
      ChangedMessage changed;
      compare(was, now, changed);
      ++summary.messages;
      if (changed.changes.empty()) {
        ++summary.unchanged;
        continue;
      }
      ++summary.changed;
      for (Change c : changed.changes) ++summary.counts[c];
      std::vector<std::string> fields;
      for (const auto& f : changed.fields) fields.push_back(fieldOf(f.path));
      std::sort(fields.begin(), fields.end());
      fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
      for (const auto& f : fields) ++summary.fields[f];
      if (summary.details.size() < options.keepChanges) {
        changed.id = was.id;
        changed.receivedAtMs = was.receivedAtMs;
        changed.controlId = was.controlId;
        changed.messageType = was.messageType;
        changed.scriptVersionBefore = was.scriptVersion;
        summary.details.push_back(std::move(changed));
      }
    }
    window.afterId = page->back().id;
    if (options.progress) options.progress(summary.messages, window.afterId);
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace pathhub::replay
