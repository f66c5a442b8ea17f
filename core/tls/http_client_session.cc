// HTTP(S) client sessions (see http_client_session.h).
#include "tls/http_client_session.h"

#include <Poco/Net/HTTPSClientSession.h>

namespace pathhub::tls {

Result<std::unique_ptr<Poco::Net::HTTPClientSession>> httpClientSession(const Poco::URI& url,
                                                                        const TlsSettings& settings,
                                                                        Poco::Timespan timeout) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (url.getScheme() == "https") {
    auto context = clientContext(settings);
    if (!context) return tl::unexpected(context.error());
    session =
        std::make_unique<Poco::Net::HTTPSClientSession>(url.getHost(), url.getPort(), *context);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(url.getHost(), url.getPort());
  }
  session->setTimeout(timeout, timeout, timeout);
  session->setKeepAlive(true);
  return session;
}

}  // namespace pathhub::tls
