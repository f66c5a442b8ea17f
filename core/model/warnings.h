// Named warnings: what a conversion could not carry, or carried only approximately, said in a
// form the hub can act on. Each warning is text "[name] what happened", kept with the message
// or the delivery (journal events, the API, hl7inspect); the names below are stable, and a
// channel's <safety block="…"/> list turns the dangerous ones into a refusal: the delivery is
// held and the message goes to the channel's exceptions destination with the warning as the
// reason (core/pipeline). Each name is a row of docs/safety/hazard-log.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pathhub::model {

struct Message;

namespace warning {
// Blocking by default: the message is not delivered as it is.
inline constexpr std::string_view kAmbiguousIdentity = "ambiguous-identity";  // two patients
inline constexpr std::string_view kUnmappableStatus = "unmappable-status";    // no equivalent
inline constexpr std::string_view kUnitConflict = "unit-conflict";  // a range in another unit
inline constexpr std::string_view kInvalidNhsNumber = "invalid-nhs-number";  // fails modulus 11
// A FHIR message Bundle that fails the offline checks a GP system relies on
// (fhir/bundle_check.h): a dangling reference, no status, a second Patient...
inline constexpr std::string_view kInvalidBundle = "invalid-bundle";
// Kept, and said.
inline constexpr std::string_view kInvalidDate = "invalid-date";      // an impossible date
inline constexpr std::string_view kZoneAssumed = "zone-assumed";      // local zone applied
inline constexpr std::string_view kZoneAmbiguous = "zone-ambiguous";  // clocks-change hour
inline constexpr std::string_view kNotCarried = "not-carried";        // the target has no place
inline constexpr std::string_view kApproximated = "approximated";     // the nearest equivalent
inline constexpr std::string_view kValueAsText = "value-as-text";     // not its type: as text
inline constexpr std::string_view kNotRead = "not-read";              // input the reader skips
inline constexpr std::string_view kSplit = "split";                   // one message became several
}  // namespace warning

// The warning names that stop a delivery unless a channel says otherwise.
const std::vector<std::string>& defaultBlockingWarnings();
// Every warning name above.
const std::vector<std::string>& warningNames();

// Adds "[name] text" to the message's warnings.
void warn(Message& message, std::string_view name, const std::string& text);
std::string warningText(std::string_view name, const std::string& text);
// The name of a warning ("" for one without a name).
std::string_view warningName(std::string_view warning);

}  // namespace pathhub::model
