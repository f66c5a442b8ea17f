// Benchmark messages (see bench_samples.h).
#include "bench_samples.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "hl7/batch.h"

namespace pathhub::bench {

std::string oruSample() {
  const std::string path =
      std::string(PATHHUB_CORPUS_DIR) + "/hl7v2/oru_r01_hemogram_differential_spm_bom_v25.hl7";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) bytes.erase(0, 3);
  return hl7::normalizeSegmentSeparators(bytes);
}

std::string longTextReport() {
  static const char* const kSentences[] = {
      "Sections show a fragment of colonic mucosa with preserved crypt architecture",
      "There is no evidence of dysplasia or malignancy in the levels examined",
      "The lamina propria contains a mild chronic inflammatory infiltrate",
      "Immunohistochemistry: CK20 positive \\T\\ CDX2 positive, CK7 negative",
      "Margins: deep margin clear by 4 mm\\.br\\peripheral margins clear",
      "Comment: appearances are in keeping with a tubular adenoma \\S\\ low grade"};
  std::string m =
      "MSH|^~\\&|LIMS|RVJ01|EPR|A81001|20240131093000||ORU^R01^ORU_R01|HISTO0001|P|2.4\r"
      "PID|1||9449305552^^^NHS^NH~H123456^^^RVJ^MR||SMITH^JOHN^ALAN^^MR||19700101|M\r"
      "OBR|1|PL12345^GP|FL67890^LAB|HIST^Histopathology^L|||20240130101500|||||||"
      "20240130120000|TISSUE&Colon biopsy&L|G8123456^JONES^ANN^^^DR||||||20240131090000||"
      "CP|F\r";
  int line = 0;
  while (m.size() < 30 * 1024) {
    ++line;
    m += "OBX|" + std::to_string(line) + "|FT|HISTO^Report text^L|" + std::to_string(line) + "|" +
         kSentences[line % 6] + ".||||||F\r";
  }
  return m;
}

}  // namespace pathhub::bench
