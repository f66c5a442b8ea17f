// A local SMTP server for a test: smtp_test_server.py (Debian's python3-aiosmtpd) on a free
// port of 127.0.0.1, STARTTLS with the test CA's server certificate required, then a login
// with `user` and `password`. The messages it accepted are read back from its folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace pathhub::testing {

class ChildProcess;

class SmtpTestServer {
 public:
  SmtpTestServer(const std::string& certificate, const std::string& privateKey, std::string user,
                 std::string password);
  ~SmtpTestServer();
  bool ok() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }

  struct Mail {
    std::string envelopeTo;  // "a@x, b@y"
    std::string text;        // headers and body as received
  };
  std::vector<Mail> messages() const;

 private:
  std::filesystem::path folder_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace pathhub::testing
