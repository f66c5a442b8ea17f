// Throw-away TLS material (see test_certs.h).
#include "test_certs.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace pathhub::testing {

TestCertificates::TestCertificates() {
  static std::atomic<int> made{0};
  dir_ = std::filesystem::temp_directory_path() /
         ("pathhub-certs-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
  const std::string command = std::string("'") + PATHHUB_SOURCE_DIR +
                              "/tests/support/make_test_certs.sh' '" + dir_.string() + "'";
  ok_ = std::system(command.c_str()) == 0;
}

TestCertificates::~TestCertificates() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace pathhub::testing
