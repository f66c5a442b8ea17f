// A FHIR decimal written to JSON exactly as the model holds it: "5.20" stays 5.20, because in
// FHIR a decimal's precision is part of its meaning. Poco JSON would print a double (5.2);
// a value of this type, placed in a Poco::JSON::Object, is printed as its text, unquoted,
// through Poco's own extension point (a VarHolderImpl specialisation).
#pragma once

#include <Poco/Dynamic/VarHolder.h>

#include <string>

namespace pathhub::fhir {

struct JsonDecimal {
  std::string text;  // a valid JSON number
};

}  // namespace pathhub::fhir

namespace Poco::Dynamic {

template <>
class VarHolderImpl<pathhub::fhir::JsonDecimal> : public VarHolder {
 public:
  explicit VarHolderImpl(const pathhub::fhir::JsonDecimal& value) : value_(value) {}
  const std::type_info& type() const override { return typeid(pathhub::fhir::JsonDecimal); }
  void convert(std::string& text) const override { text = value_.text; }
  void convert(double& number) const override { number = std::stod(value_.text); }
  VarHolder* clone(Placeholder<VarHolder>* holder = nullptr) const override {
    return cloneHolder(holder, value_);
  }
  // Numeric: Poco's stringifier then prints convert<std::string>() as it is, unquoted.
  bool isNumeric() const override { return true; }
  bool isInteger() const override { return false; }
  bool isSigned() const override { return true; }
  const pathhub::fhir::JsonDecimal& value() const { return value_; }

 private:
  pathhub::fhir::JsonDecimal value_;
};

}  // namespace Poco::Dynamic
