// Writes every FHIR Bundle the conversion chains make (support/conversion_chains.h) from every
// results input (the corpus in place, tests/data/clinical), and the request message of every
// HL7 v2 order of the corpus, into a folder, one file each, for the two validators
// (validate_fhir.js) to check:
//
//   write_bundles OUTDIR
//
// Exits 1, naming the input and chain, when any chain fails to convert: a results input that
// stops converting is a failure, not a skipped file.
#include <fstream>
#include <iostream>

#include "conversion_chains.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_bundles OUTDIR\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path out = argv[1];
  fs::remove_all(out);
  fs::create_directories(out);
  int failures = 0;
  std::size_t written = 0, inputs = 0;
  for (const fs::path& input : pathhub::testing::resultInputs()) {
    ++inputs;
    std::ifstream in(input, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto runs = pathhub::testing::runChains(bytes);
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto& run = runs[r];
      if (!run.error.empty()) {
        std::cerr << input.filename().string() << ": " << run.name << ": " << run.error << "\n";
        ++failures;
        continue;
      }
      for (std::size_t b = 0; b < run.bundles.size(); ++b) {
        std::string chain = run.name;
        for (char& c : chain) c = c == '>' ? '-' : c;
        const fs::path file = out / (input.filename().string() + "." + std::to_string(r) + "." +
                                     chain + "." + std::to_string(b) + ".json");
        std::ofstream(file, std::ios::binary) << run.bundles[b];
        ++written;
      }
    }
  }
  // Orders become request messages: validated the same way.
  for (const fs::path& input : pathhub::testing::orderInputs()) {
    ++inputs;
    std::ifstream in(input, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto requests = pathhub::convert::convertAll(pathhub::convert::Format::kHl7v2,
                                                 pathhub::convert::Format::kFhirJson, bytes);
    if (!requests) {
      std::cerr << input.filename().string() << ": request: " << requests.error().describe()
                << "\n";
      ++failures;
      continue;
    }
    for (std::size_t b = 0; b < requests->size(); ++b) {
      std::ofstream(out / (input.filename().string() + ".request." + std::to_string(b) + ".json"),
                    std::ios::binary)
          << (*requests)[b].bytes;
      ++written;
    }
  }
  std::cout << "write_bundles: " << inputs << " inputs, " << written << " bundles in " << out
            << "\n";
  return failures ? 1 : 0;
}
