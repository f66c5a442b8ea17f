// An HTTP(S) client session for a URL: plain for http, TLS for https with the given
// certificates (a client certificate for mutual TLS, the CAs to verify the server with), kept
// alive between requests. Shared by the destinations that POST over HTTP.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <memory>

#include "pathhub/error.h"
#include "tls/tls_context.h"

namespace pathhub::tls {

// An error names the TLS file that does not load.
Result<std::unique_ptr<Poco::Net::HTTPClientSession>> httpClientSession(const Poco::URI& url,
                                                                        const TlsSettings& settings,
                                                                        Poco::Timespan timeout);

}  // namespace pathhub::tls
