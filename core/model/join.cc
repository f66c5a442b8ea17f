// Messages about one patient joined into one (see pathology.h).
#include <algorithm>

#include "model/pathology.h"

namespace pathhub::model {

Message joinMessages(std::vector<Message> parts) {
  if (parts.empty()) return {};
  Message out = std::move(parts.front());
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t offset = out.specimens.size();
    for (auto& s : parts[i].specimens) out.specimens.push_back(std::move(s));
    for (auto& r : parts[i].reports) {
      for (auto& index : r.specimens) index += offset;
      for (auto& o : r.results) {
        for (auto& index : o.specimens) index += offset;
      }
      out.reports.push_back(std::move(r));
    }
    for (auto& w : parts[i].warnings) {
      if (std::find(out.warnings.begin(), out.warnings.end(), w) == out.warnings.end()) {
        out.warnings.push_back(std::move(w));
      }
    }
  }
  return out;
}

}  // namespace pathhub::model
