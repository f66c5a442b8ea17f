// pathhubctl scripts (see scripts_command.h).
#include "scripts_command.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <iostream>

#include "table.h"

namespace pathhub::ctl {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string text(const Object::Ptr& o, const std::string& key) {
  return o && o->has(key) && !o->isNull(key) ? o->get(key).convert<std::string>() : "";
}

// The answer as JSON, or null with the reason printed and `status` set.
Object::Ptr call(ApiClient& api, const std::string& method, const std::string& target,
                 int& status) {
  auto response = api.call(method, target);
  if (!response) {
    std::cerr << "pathhubctl: " << response.error().text << "\n";
    status = 2;
    return nullptr;
  }
  Object::Ptr body;
  try {
    auto v = Poco::JSON::Parser().parse(response->body);
    if (v.type() == typeid(Object::Ptr)) body = v.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  if (response->status >= 300 || !body) {
    Object::Ptr error = body ? body->getObject("error") : nullptr;
    std::cerr << "pathhubctl: " << response->status << " "
              << (error ? text(error, "message") : response->body) << "\n";
    status = 1;
    return nullptr;
  }
  return body;
}

}  // namespace

int scriptsCommand(ApiClient& api, const Options& options, const std::vector<std::string>& args) {
  const bool rollback = args.size() == 3 && args[1] == "--rollback";
  if (!(args.size() == 1 || rollback) || args[0].empty() || args[0][0] == '-') {
    std::cerr << "pathhubctl: usage: scripts CHANNEL [--rollback VERSION]\n";
    return 2;
  }
  std::string channel;
  Poco::URI::encode(args[0], "/?#&=+ ", channel);
  const std::string base = "/api/v1/channels/" + channel + "/scripts";
  int status = 0;
  if (rollback) {
    std::string version;
    Poco::URI::encode(args[2], "/?#&=+ ", version);
    Object::Ptr o = call(api, "POST", base + "/" + version + "/rollback", status);
    if (!o) return status;
    if (options.json) {
      Poco::JSON::Stringifier::stringify(o, std::cout, 2);
      std::cout << "\n";
    } else {
      std::cout << "channel " << args[0] << ": version " << text(o, "version") << " is live again ("
                << text(o, "live") << ")\n";
    }
    return 0;
  }
  Object::Ptr o = call(api, "GET", base, status);
  if (!o) return status;
  if (options.json) {
    Poco::JSON::Stringifier::stringify(o, std::cout, 2);
    std::cout << "\n";
    return 0;
  }
  const std::string live = text(o, "live");
  std::cout << "channel " << args[0] << ", script " << text(o, "script") << "\n";
  Table table({"", "VERSION", "SINCE", "BY", "FROM", "HASH"});
  Array::Ptr versions = o->getArray("versions");
  for (std::size_t i = 0; versions && i < versions->size(); ++i) {
    Object::Ptr v = versions->getObject(static_cast<unsigned>(i));
    const std::string number = text(v, "version");
    table.add({number == live ? "live" : "", number, text(v, "createdAt"), text(v, "createdBy"),
               text(v, "origin"), text(v, "hash").substr(0, 12)});
  }
  table.print(std::cout);
  return 0;
}

}  // namespace pathhub::ctl
