// Embedded documents (OBX-2 ED) split over several OBX, as some LIMS and profiles send them,
// and whole, as the normal shape holds them. Shared by the lims_* dialect plugins.
#pragma once

#include <cstddef>
#include <string>

#include "hl7/message.h"

namespace pathhub::dialect {

// Consecutive ED OBX segments with the same OBX-3 and OBX-4 become one: the first, holding
// every part's data (OBX-5.5) in order. Returns how many documents were joined.
int joinEdParts(hl7::Message& m);

// Every ED OBX whose data (OBX-5.5) is longer than `limit` characters is split into several
// consecutive ED OBX segments of at most `limit` each. OBX-1 set ids are renumbered.
// Returns how many documents were split.
int splitEdParts(hl7::Message& m, std::size_t limit);

// OBX-1 numbered 1, 2, … again after OBX segments were added or removed.
void renumberObx(hl7::Message& m);

}  // namespace pathhub::dialect
