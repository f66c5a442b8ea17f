// Corpus helpers for tests (see corpus.h).
#include "corpus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "hl7/batch.h"
#include "hl7/message.h"

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

std::vector<std::string> corpusResults() {
  std::vector<std::string> out;
  for (const auto& f : corpusFiles("hl7v2")) {
    const std::string bytes = readFile(f);  // the split's views point into it
    auto split = hl7::splitMessages(bytes);
    if (!split) continue;
    for (auto text : split->messages) {
      std::string normal = hl7::normalizeSegmentSeparators(text);
      auto header = hl7::Message::parseHeader(normal);
      if (header && header->messageType() == "ORU" && normal.find("\rOBR|") != std::string::npos) {
        out.push_back(std::move(normal));
      }
    }
  }
  return out;
}

}  // namespace pathhub::testing
