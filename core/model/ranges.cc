// Reference ranges in text (see ranges.h).
#include "model/ranges.h"

#include "model/vocabulary.h"

namespace pathhub::model {

bool isDecimal(const std::string& text) {
  std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  bool digits = false, point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits;
}

Range rangeOf(const std::string& low, const std::string& high, const std::string& unit) {
  Range out;
  const std::string l = trimmed(low), h = trimmed(high);
  if (isDecimal(l)) out.low = {l, "", unit};
  if (isDecimal(h)) out.high = {h, "", unit};
  const bool bad = (!l.empty() && !isDecimal(l)) || (!h.empty() && !isDecimal(h));
  if (bad) {
    out.low = out.high = {};
    out.text = l.empty() ? h : h.empty() ? l : l + "-" + h;
  }
  return out;
}

Range parseRange(std::string_view text, const std::string& unit) {
  const std::string t = trimmed(text);
  Range out;
  if (t.empty()) return out;
  if (t[0] == '<' || t[0] == '>') {
    const std::size_t op = t.size() > 1 && t[1] == '=' ? 2 : 1;
    std::string bound = trimmed(std::string_view(t).substr(op));
    if (isDecimal(bound)) {
      (t[0] == '<' ? out.high : out.low) = {std::move(bound), "", unit};
    }
    out.text = t;
    return out;
  }
  const auto dash = t.find('-', 1);
  if (dash != std::string::npos) {
    std::string low = trimmed(std::string_view(t).substr(0, dash));
    std::string high = trimmed(std::string_view(t).substr(dash + 1));
    if (isDecimal(low) && isDecimal(high)) {
      out.low = {std::move(low), "", unit};
      out.high = {std::move(high), "", unit};
      return out;
    }
  }
  out.text = t;
  return out;
}

std::string rangeText(const Range& r) {
  if (!r.text.empty()) return r.text;
  if (!r.low.value.empty() && !r.high.value.empty()) return r.low.value + "-" + r.high.value;
  if (!r.high.value.empty()) return "<" + r.high.value;
  if (!r.low.value.empty()) return ">" + r.low.value;
  return {};
}

const std::string& rangeUnit(const Range& r) {
  return r.low.value.empty() ? r.high.unit : r.low.unit;
}

}  // namespace pathhub::model
