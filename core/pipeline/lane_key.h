// Which ordered lane of a destination a delivery takes (delivery_worker.h). The key is what
// order is kept by: by default the patient — the NHS number, else the first identifier in
// PID-3 — so one patient's results are never reordered while different patients' go in
// parallel. A destination may name another HL7 v2 path (<destination laneKey="OBR-3.1">), and
// a script may set the key of a message itself (ctx:set_lane), kept with each of its
// deliveries as the attribute "lane".
#pragma once

#include <cstddef>
#include <string>

#include "journal/journal.h"

namespace pathhub::pipeline {

// The key of a delivery: its "lane" attribute when the script set one, else what `spec`
// ("patient" or an HL7 v2 path) reads from its bytes. "" when the message has none (every
// such message of the destination then shares one lane, in journal order).
std::string laneKey(const journal::PendingDelivery& delivery, const std::string& spec);

// The lane (0 … lanes-1) a key goes to: the same for the same key, whatever the run.
std::size_t laneFor(const std::string& key, std::size_t lanes);

}  // namespace pathhub::pipeline
