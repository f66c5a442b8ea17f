// The replay's progress bar (see progress_bar.h).
#include "progress_bar.h"

#include <algorithm>
#include <string>

namespace pathhub::tools {

ProgressBar::ProgressBar(std::ostream& out, std::int64_t firstId, std::int64_t lastId,
                         std::int64_t limit)
    : out_(out), firstId_(firstId), lastId_(lastId), limit_(limit) {}

void ProgressBar::update(std::int64_t done, std::int64_t id) {
  double share = lastId_ > firstId_
                     ? static_cast<double>(id - firstId_) / static_cast<double>(lastId_ - firstId_)
                     : 0.0;
  if (limit_) share = std::max(share, static_cast<double>(done) / static_cast<double>(limit_));
  share = std::clamp(share, 0.0, 1.0);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(share * kWidth);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const auto rate =
      seconds > 0 ? static_cast<std::int64_t>(static_cast<double>(done) / seconds) : 0;
  out_ << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
       << std::string(static_cast<std::size_t>(kWidth - filled), '-') << "] "
       << static_cast<int>(share * 100) << "%  " << done << " messages  " << rate << "/s";
  if (share > 0.01 && share < 1.0) {
    out_ << "  about " << static_cast<std::int64_t>(seconds * (1.0 - share) / share) << " s left";
  }
  out_ << "\x1b[K" << std::flush;  // the rest of the line cleared
}

void ProgressBar::finish() { out_ << "\n" << std::flush; }

}  // namespace pathhub::tools
