// The alerts' table (schema 5 on both backends): each alert the hub fired, its state and who
// acknowledged it (alert_types.h).
#pragma once

#include <string>
#include <vector>

namespace pathhub::journal {

// The statements that add it, in the backend's types.
std::vector<std::string> alertSchema(bool postgres);

}  // namespace pathhub::journal
