// Where the Bundle writer puts what it writes, in document order: a stream of object, array
// and value events. Two sinks: JsonTextSink writes JSON text straight into a string (the fast
// path: no tree, one pass, strings escaped as RFC 8259 asks), PocoObjectSink builds the Poco
// JSON objects (for the XML form, and for callers that want the tree).
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>
#include <vector>

namespace pathhub::fhir {

class JsonSink {
 public:
  virtual ~JsonSink() = default;
  // `key` names the member inside an object; it is ignored inside an array and at the root.
  virtual void beginObject(std::string_view key) = 0;
  virtual void endObject() = 0;
  virtual void beginArray(std::string_view key) = 0;
  virtual void endArray() = 0;
  virtual void text(std::string_view key, std::string_view value) = 0;
  // A decimal written exactly as its text ("5.20"); the caller has checked it is a number.
  virtual void number(std::string_view key, std::string_view exact) = 0;
};

class JsonTextSink : public JsonSink {
 public:
  explicit JsonTextSink(bool pretty) : pretty_(pretty) { out_.reserve(32 * 1024); }
  void beginObject(std::string_view key) override;
  void endObject() override;
  void beginArray(std::string_view key) override;
  void endArray() override;
  void text(std::string_view key, std::string_view value) override;
  void number(std::string_view key, std::string_view exact) override;
  std::string take() { return std::move(out_); }

 private:
  void member(std::string_view key);  // the comma, line break and key before a value
  void close(char bracket);
  void quoted(std::string_view s);

  struct Level {
    bool inArray = false;
    bool empty = true;
  };
  bool pretty_;
  std::string out_;
  std::vector<Level> levels_;
};

class PocoObjectSink : public JsonSink {
 public:
  void beginObject(std::string_view key) override;
  void endObject() override;
  void beginArray(std::string_view key) override;
  void endArray() override;
  void text(std::string_view key, std::string_view value) override;
  void number(std::string_view key, std::string_view exact) override;
  Poco::JSON::Object::Ptr root() const { return root_; }

 private:
  void put(std::string_view key, const Poco::Dynamic::Var& value);

  struct Level {
    Poco::JSON::Object::Ptr object;  // one of these two is set
    Poco::JSON::Array::Ptr array;
  };
  Poco::JSON::Object::Ptr root_;
  std::vector<Level> levels_;
};

}  // namespace pathhub::fhir
