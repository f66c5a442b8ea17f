// What the routing gives one delivery besides its destination: where exactly it goes and how
// (a MESH mailbox and workflow, the practice it is for, whether an acknowledgement is
// expected). Kept with the delivery in the journal as "key=value" lines, so a retry or a
// replay goes where the first attempt went; plugins read them through the host API
// (phub_host_api.delivery_attribute, since ABI 1.3).
#pragma once

#include <map>
#include <string>

namespace pathhub::pipeline {

using DeliveryAttributes = std::map<std::string, std::string>;

// "key=value" lines; keys and values must not hold a newline ('=' may appear in a value).
std::string formatAttributes(const DeliveryAttributes& attributes);
DeliveryAttributes parseAttributes(const std::string& text);

}  // namespace pathhub::pipeline
