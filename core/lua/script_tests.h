// `pathhub-map --test DIR`, and a deployment's check (core/http): runs the Lua test files
// (`*_test.lua`) in DIR. A test file calls test(name, fn) for each test; inside,
// run_mapping(script, message) maps a message as the hub would, field(message, path) reads a field,
// sample(path) reads a file, and expect_eq / expect check results. Scripts and samples are named
// relative to the scripts folder (DIR's parent).
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace pathhub::lua {

class MappingRunner;

// Returns 0 when every test passed, 1 when any failed, 2 when a test file cannot be loaded.
// `prepare` may set the runner up first (MappingRunner::replace: tests of a version not yet
// in its file).
int runScriptTests(const std::string& dir, std::ostream& out,
                   const std::function<void(MappingRunner&)>& prepare = nullptr);

}  // namespace pathhub::lua
