// A diff-replay's result for people and for programs: the summary printed on a terminal, the
// JSON report (also the HTTP API's answer) and the HTML report. The JSON and HTML reports
// hold field values of real messages: keep them as the journal is kept.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "replay/diff_replay.h"

namespace pathhub::replay {

// "1,204 messages: 1,180 unchanged, 24 changed (…)\n  OBX-3.4: 24 messages\n…"
std::string summaryText(const ReplaySummary& summary);
Poco::JSON::Object::Ptr reportJson(const ReplaySummary& summary);
std::string reportHtml(const ReplaySummary& summary);
// The report read back (a replay run by the hub through its API, shown by pathhub-map); a
// report that is not one is an invalid_value error.
Result<ReplaySummary> summaryFromJson(const Poco::JSON::Object::Ptr& report);

}  // namespace pathhub::replay
