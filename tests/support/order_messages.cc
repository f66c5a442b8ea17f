#include "order_messages.h"

namespace pathhub::testing {

std::string omlOrder(const std::string& controlId, const std::string& placer,
                     const std::vector<std::string>& tests, const std::string& control) {
  std::string text = "MSH|^~\\&|GPSYS|A81001|PATHHUB|NET|20261125090000||OML^O21^OML_O21|" +
                     controlId + "|P|2.5\rPID|||9434765919^^^NHS^NH||SMITH^JANE\r";
  int n = 0;
  for (const auto& t : tests) {
    text += "ORC|" + control + "|" + placer + "^GP||||||||||||||||||||Densham^^A81001\r";
    text += "OBR|" + std::to_string(++n) + "|" + placer + "^GP||" + t + "^" + t + "^L\r";
  }
  return text;
}

std::string oruResult(const std::string& controlId, const std::string& placer,
                      const std::string& filler, const std::string& test, const std::string& status,
                      const std::string& nhs) {
  return "MSH|^~\\&|WINPATH|RBH|GPSYS|A81001|20261125100000||ORU^R01|" + controlId +
         "|P|2.4\rPID|||" + nhs + "^^^NHS^NH||SMITH^JANE\rORC|RE|" + placer + "|" + filler +
         "\rOBR|1|" + placer + "|" + filler + "|" + test + "^" + test + "^L" +
         std::string(21, '|') + status + "\rOBX|1|NM|" + test + "^" + test +
         "^L||5.1|mmol/L||||F\r";
}

}  // namespace pathhub::testing
