// Tree view printing for hl7inspect (see tree_view.h).
#include "tree_view.h"

#include <string>

#include "hl7/field_names.h"

namespace pathhub::tools {
namespace {

using hl7::Message;
using hl7::Path;

std::string shown(const Message& m, std::size_t seg, const Path& p) {
  if (m.getRaw(seg, p) == "\"\"") return "(null)";
  std::string text = m.get(seg, p);
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (out.size() > 100) out = out.substr(0, 97) + "...";
  return out;
}

void printComponents(const Message& m, std::size_t seg, Path p, const std::string& indent,
                     std::ostream& out) {
  const int comps = m.componentCount(seg, p);
  const char sub = m.delimiters().subcomponent;
  for (int c = 1; c <= comps; ++c) {
    p.component = c;
    p.subcomponent = 0;
    const std::string_view raw = m.getRaw(seg, p);
    if (raw.empty()) continue;
    if (sub != '\0' && raw.find(sub) != std::string_view::npos) {
      out << indent << "." << c << "\n";
      int subs = 1;
      for (char ch : raw) subs += ch == sub;
      for (int s = 1; s <= subs; ++s) {
        p.subcomponent = s;
        if (m.getRaw(seg, p).empty()) continue;
        out << indent << "  ." << c << "." << s << "  " << shown(m, seg, p) << "\n";
      }
    } else {
      out << indent << "." << c << "  " << shown(m, seg, p) << "\n";
    }
  }
}

}  // namespace

void printTree(const Message& m, std::ostream& out) {
  for (std::size_t i = 0; i < m.segmentCount(); ++i) {
    const std::string id(m.segmentName(i));
    const std::string_view description = hl7::segmentDescription(id);
    out << id;
    if (!description.empty()) out << "  " << description;
    out << "\n";
    for (int f = 1; f <= m.fieldCount(i); ++f) {
      Path p;
      p.field = f;
      const std::string_view raw = m.getRaw(i, p);
      if (raw.empty()) continue;
      const std::string label = "  " + id + "-" + std::to_string(f);
      const std::string_view name = hl7::fieldName(id, f);
      const std::string named = name.empty() ? label : label + "  " + std::string(name);
      if (i == 0 && f <= 2) {
        out << named << ": " << raw << "\n";
        continue;
      }
      const int reps = m.repetitionCount(i, p);
      for (int r = 1; r <= reps; ++r) {
        p.repetition = r;
        p.component = 0;
        const std::string_view repRaw = m.getRaw(i, p);
        const std::string head = reps > 1 ? named + " [" + std::to_string(r) + "]" : named;
        if (m.componentCount(i, p) == 1 &&
            (m.delimiters().subcomponent == '\0' ||
             repRaw.find(m.delimiters().subcomponent) == std::string_view::npos)) {
          if (!repRaw.empty() || reps > 1) out << head << ": " << shown(m, i, p) << "\n";
          continue;
        }
        out << head << "\n";
        printComponents(m, i, p, "      ", out);
      }
    }
  }
}

}  // namespace pathhub::tools
