// The journal's PostgreSQL address as the configuration gives it — a URL,
// postgresql://USER@HOST[:PORT][,HOST2[:PORT2]…]/DATABASE[?PARAMETER=VALUE&…] — turned into the
// key=value connection string Poco's PostgreSQL connector takes (it does not take URLs),
// with the password from its own file. The URL's parameters are libpq's own (sslmode,
// sslrootcert, target_session_attrs, connect_timeout, …), checked by libpq's parser.
// Internal to the journal component.
#pragma once

#include <string>

#include "pathhub/error.h"

namespace pathhub::journal {

// The connection string, or why the URL cannot be used. The password is never part of an
// error message.
Result<std::string> postgresConnectionString(const std::string& url, const std::string& password);

// The URL without anything secret in it, for logs and the status API.
std::string postgresDisplayName(const std::string& url);

}  // namespace pathhub::journal
