// Access to the shared sample corpus (../shared/corpus), read in place by the tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pathhub::testing {

// The corpus folder the build was configured with (PATHHUB_CORPUS_DIR).
std::filesystem::path corpusDir();
// Every regular file in corpusDir()/sub, sorted by name; new files are picked up unchanged.
std::vector<std::filesystem::path> corpusFiles(const std::string& sub);
// A named corpus file's bytes; fails the calling test when the file is missing.
std::string readCorpusFile(const std::string& relative);
std::string readFile(const std::filesystem::path& path);
// Every result message (an ORU with an OBR) of the corpus's HL7 v2 files, one per message of a
// batch, with \r segment separators: what the conversions' corpus-wide tests go through.
std::vector<std::string> corpusResults();

}  // namespace pathhub::testing
