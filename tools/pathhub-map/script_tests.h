// `pathhub-map --test DIR`: runs the Lua test files (`*_test.lua`) in DIR. A test file calls
// test(name, fn) for each test; inside, run_mapping(script, message) maps a message as the hub
// would, field(message, path) reads a field, sample(path) reads a file, and expect_eq / expect
// check results. Scripts and samples are named relative to the scripts folder (DIR's parent).
#pragma once

#include <ostream>
#include <string>

namespace pathhub::tools {

// Returns 0 when every test passed, 1 when any failed, 2 when a test file cannot be loaded.
int runScriptTests(const std::string& dir, std::ostream& out);

}  // namespace pathhub::tools
