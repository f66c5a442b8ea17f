// How far a diff-replay has come, on a terminal: one line redrawn in place,
//   [##########----------]  50%  500,000 messages  24,310/s  about 21 s left
// The share is of the window's ids (journal::Journal::lastIdReceivedBefore at both ends), or of
// --limit when that comes first.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>

namespace pathhub::tools {

class ProgressBar {
 public:
  // Ids in (firstId, lastId] are the window's; `limit` 0: none.
  ProgressBar(std::ostream& out, std::int64_t firstId, std::int64_t lastId, std::int64_t limit);
  void update(std::int64_t done, std::int64_t id);
  // Ends the line.
  void finish();

 private:
  std::ostream& out_;
  std::int64_t firstId_, lastId_, limit_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace pathhub::tools
