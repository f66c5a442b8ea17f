// Splitting orders by lab (see order_split.h).
#include "orders/order_split.h"

#include <algorithm>

namespace pathhub::orders {
namespace {

struct Group {
  std::size_t first = 0, end = 0;  // segment indexes [first, end)
  std::vector<std::string> tests;
  std::string requester;  // ORC-21's organisation code, else MSH-4
};

std::vector<Group> groups(const hl7::Message& m) {
  std::vector<Group> out;
  for (std::size_t i = 0; i < m.segmentCount(); ++i) {
    const std::string_view name = m.segmentName(i);
    if (name == "ORC") {
      if (!out.empty()) out.back().end = i;
      std::string requester;
      for (int c : {10, 3, 1}) {
        if (requester.empty()) requester = m.get(i, hl7::Path::at("", 21, c));
      }
      if (requester.empty()) requester = m.get("MSH-4").value_or("");
      out.push_back({i, m.segmentCount(), {}, requester});
    } else if (name == "OBR" && !out.empty()) {
      const std::string code = m.get(i, hl7::Path::at("", 4, 1));
      if (!code.empty()) out.back().tests.push_back(code);
    }
  }
  return out;
}

}  // namespace

std::vector<LabOrder> splitByLab(const hl7::Message& order, const TestCatalogue& catalogue) {
  const std::vector<Group> all = groups(order);
  if (all.empty()) return {};
  // Each group's lab: that of its first test the catalogue knows ("" when it knows none).
  std::vector<std::string> labOf;
  std::vector<LabOrder> out;
  for (const Group& g : all) {
    std::string lab;
    std::vector<std::string> unknown;
    for (const auto& t : g.tests) {
      if (catalogue.find(t)) {
        if (lab.empty()) lab = catalogue.labFor(t, g.requester);
      } else {
        unknown.push_back(t);
      }
    }
    if (lab.empty() && unknown.empty() && !g.tests.empty()) unknown = g.tests;
    labOf.push_back(lab);
    auto it = std::find_if(out.begin(), out.end(), [&](const LabOrder& o) { return o.lab == lab; });
    if (it == out.end()) {
      out.push_back({lab, {}, {}, {}, false});
      it = out.end() - 1;
    }
    for (const auto& t : g.tests) {
      if (!lab.empty() && catalogue.find(t)) it->tests.push_back(t);
    }
    if (lab.empty())
      it->unknownTests.insert(it->unknownTests.end(), g.tests.begin(), g.tests.end());
  }
  if (out.size() == 1) {
    out[0].bytes = order.encode();
    out[0].whole = true;
    return out;
  }
  const std::string controlId = order.controlId();
  for (std::size_t n = 0; n < out.size(); ++n) {
    std::string text;
    for (std::size_t i = 0; i < all.front().first; ++i) {
      text += std::string(order.segmentText(i)) + "\r";
    }
    for (std::size_t g = 0; g < all.size(); ++g) {
      if (labOf[g] != out[n].lab) continue;
      for (std::size_t i = all[g].first; i < all[g].end; ++i) {
        text += std::string(order.segmentText(i)) + "\r";
      }
    }
    auto part = hl7::Message::parse(text);
    if (part) {
      (void)part->set("MSH-10", controlId + "-" + std::to_string(n + 1));
      out[n].bytes = part->encode();
    } else {
      out[n].bytes = text;
    }
  }
  return out;
}

}  // namespace pathhub::orders
