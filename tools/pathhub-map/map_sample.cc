// pathhub-map SCRIPT --in FILE (see map_sample.h).
#include "map_sample.h"

#include <filesystem>

#include "hl7/batch.h"
#include "hl7/diff.h"
#include "lua/mapping_runner.h"
#include "read_input.h"

namespace pathhub::tools {
namespace {

std::string forDisplay(std::string text) {
  for (char& c : text) c = c == '\r' ? '\n' : c;
  return text;
}

void printDerived(const pipeline::MapResult& result, std::ostream& out) {
  for (std::size_t i = 0; i < result.derived.size(); ++i) {
    out << "  made message " << i + 1 << ", routes: ";
    if (result.derived[i].routes.empty()) out << "(the channel's routes)";
    for (std::size_t r = 0; r < result.derived[i].routes.size(); ++r) {
      out << (r ? ", " : "") << result.derived[i].routes[r];
    }
    out << "\n" << forDisplay(result.derived[i].bytes) << "\n";
  }
}

}  // namespace

int mapSample(const std::string& script, const std::string& sample, std::ostream& out,
              std::ostream& err) {
  auto input = readInput(sample);
  if (!input) {
    err << "pathhub-map: " << input.error().describe() << "\n";
    return 2;
  }
  auto split = hl7::splitMessages(*input);
  if (!split) {
    err << "pathhub-map: " << sample << ": " << split.error().describe() << "\n";
    return 2;
  }
  // require() and tables/ resolve from the scripts folder the script belongs to.
  lua::MappingRunner runner(lua::scriptsFolderFor(std::filesystem::path(script).parent_path()));
  int status = 0;
  int index = 0;
  for (std::string_view text : split->messages) {
    ++index;
    const std::string before = hl7::normalizeSegmentSeparators(text);
    auto result = runner.run(script, before);
    if (!result) {
      err << "pathhub-map: " << result.error().describe() << "\n";
      return 2;
    }
    out << "message " << index << ": ";
    const auto logLines = [&] {
      for (const auto& line : result->notes) out << "  log: " << line << "\n";
    };
    switch (result->kind) {
      case pipeline::MapResult::Kind::kFiltered:
        out << "filtered: " << result->reason << "\n";
        logLines();
        printDerived(*result, out);
        continue;
      case pipeline::MapResult::Kind::kFailed:
        out << "FAILED: " << result->reason << "\n";
        logLines();
        status = 1;
        continue;
      case pipeline::MapResult::Kind::kMapped:
        out << "mapped";
        break;
    }
    out << ", routes: ";
    if (result->routes.empty()) out << "(the channel's routes)";
    for (std::size_t i = 0; i < result->routes.size(); ++i) {
      out << (i ? ", " : "") << result->routes[i];
    }
    out << "\n";
    logLines();
    auto a = hl7::Message::parse(before);
    auto b = hl7::Message::parse(result->bytes);
    if (a && b) {
      const auto changes = hl7::diffMessages(*a, *b);
      if (changes.empty()) out << "  no field changed\n";
      for (const auto& c : changes) {
        out << "  " << c.path << ": \"" << c.before << "\" → \"" << c.after << "\"\n";
      }
    }
    out << forDisplay(result->bytes) << "\n";
    printDerived(*result, out);
  }
  return status;
}

}  // namespace pathhub::tools
