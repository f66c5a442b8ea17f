// Throw-away TLS material for a test (made by make_test_certs.sh in a temporary folder,
// removed afterwards): a CA with a server certificate for 127.0.0.1 and a client certificate,
// and an untrusted CA with a "stranger" client.
#pragma once

#include <filesystem>
#include <string>

namespace pathhub::testing {

class TestCertificates {
 public:
  TestCertificates();
  ~TestCertificates();
  bool ok() const { return ok_; }
  // The PEM file of `name`.pem or `name`.key: test-ca, server, client, other-ca, stranger.
  std::string pem(const std::string& name) const { return (dir_ / (name + ".pem")).string(); }
  std::string key(const std::string& name) const { return (dir_ / (name + ".key")).string(); }
  // The attributes that make a listener serve TLS with the server certificate:
  // tls="true" certificate="..." privateKey="...".
  std::string serverTlsAttributes() const {
    return "tls=\"true\" certificate=\"" + pem("server") + "\" privateKey=\"" + key("server") +
           "\"";
  }

 private:
  std::filesystem::path dir_;
  bool ok_ = false;
};

}  // namespace pathhub::testing
