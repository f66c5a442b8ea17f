// Parsing and printing of HL7 v2 paths (see path.h).
#include "hl7/path.h"

namespace pathhub::hl7 {
namespace {

bool isSegmentChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

class PathReader {
 public:
  explicit PathReader(std::string_view text) : text_(text) {}

  bool atEnd() const { return pos_ >= text_.size(); }
  bool consume(char c) {
    if (!atEnd() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::size_t pos() const { return pos_; }
  std::string_view rest() const { return text_.substr(pos_); }

  Result<int> number(std::string_view what) {
    int value = 0;
    std::size_t start = pos_;
    while (!atEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      value = value * 10 + (text_[pos_] - '0');
      ++pos_;
      if (value > Path::kMaxIndex) {
        return error(std::string(what) + " is larger than " + std::to_string(Path::kMaxIndex));
      }
    }
    if (pos_ == start) return error("expected a " + std::string(what) + " number");
    if (value == 0) return error(std::string(what) + " numbers start at 1");
    return value;
  }

  tl::unexpected<Error> error(const std::string& what) const {
    return fail(ErrorCode::kInvalidPath, "path '" + std::string(text_) + "': " + what +
                                             " at character " + std::to_string(pos_ + 1));
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Reads "FIELD[rep].COMP.SUB" into `path`, everything after the segment part.
Result<Path> readFieldPart(PathReader& in, Path path) {
  auto field = in.number("field");
  if (!field) return tl::unexpected(field.error());
  path.field = *field;
  if (in.consume('[')) {
    auto rep = in.number("repetition");
    if (!rep) return tl::unexpected(rep.error());
    if (!in.consume(']')) return in.error("expected ']'");
    path.repetition = *rep;
  }
  if (in.consume('.')) {
    auto comp = in.number("component");
    if (!comp) return tl::unexpected(comp.error());
    path.component = *comp;
    if (in.consume('.')) {
      auto sub = in.number("subcomponent");
      if (!sub) return tl::unexpected(sub.error());
      path.subcomponent = *sub;
    }
  }
  if (!in.atEnd()) return in.error("unexpected '" + std::string(in.rest().substr(0, 1)) + "'");
  return path;
}

}  // namespace

Result<Path> Path::parse(std::string_view text) {
  PathReader in(text);
  Path path;
  if (text.size() < 3 || !isSegmentChar(text[0]) || !isSegmentChar(text[1]) ||
      !isSegmentChar(text[2]) || (text[0] >= '0' && text[0] <= '9')) {
    return in.error("expected a segment id of three upper-case letters or digits");
  }
  path.segment = std::string(text.substr(0, 3));
  for (int i = 0; i < 3; ++i) in.consume(text[i]);
  if (in.consume('[')) {
    auto occ = in.number("segment occurrence");
    if (!occ) return tl::unexpected(occ.error());
    if (!in.consume(']')) return in.error("expected ']'");
    path.occurrence = *occ;
  }
  if (in.atEnd()) return path;
  if (!in.consume('-')) return in.error("expected '-' before the field number");
  return readFieldPart(in, std::move(path));
}

Result<Path> Path::parseField(std::string_view text) {
  PathReader in(text);
  return readFieldPart(in, Path{});
}

std::string Path::toString() const {
  std::string out = segment;
  if (occurrence != 1) out += "[" + std::to_string(occurrence) + "]";
  if (field == 0) return out;
  if (!out.empty()) out += "-";
  out += std::to_string(field);
  if (repetition) out += "[" + std::to_string(repetition) + "]";
  if (component) out += "." + std::to_string(component);
  if (subcomponent) out += "." + std::to_string(subcomponent);
  return out;
}

}  // namespace pathhub::hl7
