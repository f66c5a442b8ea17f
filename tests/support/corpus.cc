// Corpus helpers for tests (see corpus.h).
#include "corpus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace pathhub::testing {

std::filesystem::path corpusDir() { return PATHHUB_CORPUS_DIR; }

std::vector<std::filesystem::path> corpusFiles(const std::string& sub) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(corpusDir() / sub)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string readCorpusFile(const std::string& relative) { return readFile(corpusDir() / relative); }

}  // namespace pathhub::testing
