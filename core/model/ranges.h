// Reference ranges as laboratories send them in text, read into low and high with their
// precision ("4.50" stays "4.50") and unit, and written back the same way. A range that is
// not one of the plain forms is kept as text, never guessed at. Hazard H4
// (docs/safety/hazard-log.md).
#pragma once

#include <string>
#include <string_view>

#include "model/pathology.h"

namespace pathhub::model {

// "3.5-5.0", "3.5 - 5.0", "<5", "<=5", ">1.2", ">=1.2": low and/or high in `unit`; the
// one-sided forms keep their text too ("<5" is below 5, not up to and including it). Anything
// else ("see comment", "-21") is text only.
Range parseRange(std::string_view text, const std::string& unit);
// Low and high sent apart (EDIFACT RND, two v2 components): each when it is a number.
Range rangeOf(const std::string& low, const std::string& high, const std::string& unit);
// As one line of text: "3.5-5.0", "<21" (upper only), ">1.2" (lower only), or its text.
std::string rangeText(const Range& range);
// The unit the range is in: its low's, else its high's.
const std::string& rangeUnit(const Range& range);
// A decimal as text: digits with at most one point, an optional leading minus.
bool isDecimal(const std::string& text);

}  // namespace pathhub::model
