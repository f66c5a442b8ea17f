#include "webhook_receiver.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

namespace pathhub::testing {

struct WebhookReceiver::State {
  std::mutex mutex;
  std::vector<Post> posts;
  std::deque<int> answers;
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<WebhookReceiver::State> state) : state_(std::move(state)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    WebhookReceiver::Post post;
    post.path = request.getURI();
    post.contentType = request.getContentType();
    post.timestamp = request.get("X-Pathhub-Timestamp", "");
    post.signature = request.get("X-Pathhub-Signature", "");
    Poco::StreamCopier::copyToString(request.stream(), post.body);
    {
      std::lock_guard lock(state_->mutex);
      if (!state_->answers.empty()) {
        post.answeredWith = state_->answers.front();
        state_->answers.pop_front();
      }
      state_->posts.push_back(post);
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(post.answeredWith));
    response.setContentType("text/plain");
    response.send() << (post.answeredWith == 200 ? "ok" : "not now");
  }

 private:
  std::shared_ptr<WebhookReceiver::State> state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<WebhookReceiver::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(state_);
  }

 private:
  std::shared_ptr<WebhookReceiver::State> state_;
};

}  // namespace

WebhookReceiver::WebhookReceiver() : state_(std::make_shared<State>()) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket,
                                                    new Poco::Net::HTTPServerParams);
  server_->start();
}

WebhookReceiver::~WebhookReceiver() { server_->stop(); }

std::vector<WebhookReceiver::Post> WebhookReceiver::posts() const {
  std::lock_guard lock(state_->mutex);
  return state_->posts;
}

void WebhookReceiver::answerWith(std::vector<int> statuses) {
  std::lock_guard lock(state_->mutex);
  state_->answers.assign(statuses.begin(), statuses.end());
}

}  // namespace pathhub::testing
