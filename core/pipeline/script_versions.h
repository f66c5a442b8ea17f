// A channel's mapping script versions, as the hub sees them: the hash each mapping result
// carries (MapResult::scriptHash) resolved to the channel's version number, a version seen for
// the first time recorded in the journal with its text; and a new text deployed (through the
// API), which the mappers' hot reload then puts live.
//
// Resolving and deploying share a lock, so a deployed text is recorded as deployed — by whom,
// from where — before any mapping result can name it and record it as an edit of the file.
#pragma once

#include <Poco/Logger.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "journal/journal.h"
#include "pathhub/error.h"

namespace pathhub::pipeline {

class ScriptVersions {
 public:
  ScriptVersions(std::string channel, std::filesystem::path script, journal::Journal& journal);

  // The version a result's hash names (0 for "": no script). A hash seen for the first time
  // is recorded as loaded from the file, with the file's text when it still holds that text
  // (when it was edited again since, the version is known by its hash only). 0 when the
  // journal cannot record it (logged; the mapping's own write fails the same way).
  std::int64_t resolve(const std::string& hash);

  // Writes `text` as the script (a temporary file beside it, renamed over it, so a mapper
  // never reads half a script) and records it as `action` ("deployed", "rolled back") by
  // `by` from `origin`. The mappers load it at their next reload check (about a second).
  Result<std::int64_t> deploy(const std::string& text, const std::string& by,
                              const std::string& origin, const std::string& action);

  // The script's text as the file holds it now.
  Result<std::string> current() const;
  const std::filesystem::path& script() const { return script_; }

 private:
  std::string channel_;
  std::filesystem::path script_;
  journal::Journal& journal_;
  Poco::Logger& log_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> known_;  // hash → version
};

}  // namespace pathhub::pipeline
