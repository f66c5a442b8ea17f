// A webhook receiver for a test: an HTTP server on a free port of 127.0.0.1 that keeps every
// POST it gets (body and the X-Pathhub-* headers) and answers 200, or what the test queued.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace pathhub::testing {

class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

  struct Post {
    std::string path, contentType, timestamp, signature, body;
    int answeredWith = 200;
  };
  std::vector<Post> posts() const;
  // The next POSTs are answered with these statuses, in order; then 200.
  void answerWith(std::vector<int> statuses);

  struct State;  // shared with the request handlers

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace pathhub::testing
