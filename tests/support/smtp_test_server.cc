#include "smtp_test_server.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "child_process.h"
#include "hub_fixture.h"

namespace pathhub::testing {

SmtpTestServer::SmtpTestServer(const std::string& certificate, const std::string& privateKey,
                               std::string user, std::string password) {
  folder_ = std::filesystem::temp_directory_path() /
            ("pathhub-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(freePort()));
  std::filesystem::create_directories(folder_);
  const std::uint16_t port = freePort();
  // Poco launches programs by path: python3 from PATH's usual place on Debian.
  process_ = std::make_unique<ChildProcess>(
      "/usr/bin/python3",
      std::vector<std::string>{
          std::string(PATHHUB_SOURCE_DIR) + "/tests/support/smtp_test_server.py", "--port",
          std::to_string(port), "--folder", folder_.string(), "--cert", certificate, "--key",
          privateKey, "--user", user, "--password", password});
  if (process_->readLine().rfind("listening", 0) == 0) port_ = port;
}

SmtpTestServer::~SmtpTestServer() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::vector<SmtpTestServer::Mail> SmtpTestServer::messages() const {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
    if (entry.path().extension() == ".eml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Mail> out;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto end = text.find("\r\n");
    out.push_back({text.substr(15, end - 15), text.substr(end + 2)});
  }
  return out;
}

}  // namespace pathhub::testing
