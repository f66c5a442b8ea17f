// transport_astm: the E1381 link state machine, E1394 records to ORU^R01, and the source
// through the real loader with an analyser simulated over TCP (ENQ, frames, checksums, NAK and
// resend, EOT), the last frame ACKed only once the message is committed.
#include <Poco/Net/StreamSocket.h>

#include "astm_link.h"
#include "astm_records.h"
#include "expect_error.h"
#include "hl7/message.h"
#include "plugin_runtime.h"

namespace pathhub::transport_astm {
namespace {

const std::vector<std::string> kRecords = {
    "H|\\^&|||ANALYSER^1.0|||||||P|1|20261125101500",
    "P|1||MRN123||SMITH^JANE||19700101|F",
    "O|1|SPEC42||^^^GLU^Glucose|R||20261125093000",
    "R|1|^^^GLU|5.4|mmol/L|3.9-5.5|N||F||||20261125101000|ANALYSER-1",
    "R|2|^^^NA|141|mmol/L|133-146|N||F",
    "C|1|I|Sample slightly haemolysed|G",
    "L|1|N"};

TEST(AstmLink, ComputesTheChecksumOverTheFrameBody) {
  EXPECT_EQ(frameChecksum(std::string("1H|\\^&|||ANALYSER^1.0|||||||P|1|20261125101500\r") + kEtx),
            "3C");
  const std::string frame = makeFrame(1, "L|1|N\r", true);
  EXPECT_EQ(frame.front(), kStx);
  EXPECT_EQ(frame.substr(frame.size() - 2), "\r\n");
}

TEST(AstmLink, TakesGoodFramesAndRefusesBadOnes) {
  LinkReceiver link;
  std::vector<LinkEvent> events;
  link.feed(std::string("noise") + kEnq, events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, LinkEvent::Kind::kEnquiry);
  events.clear();
  std::string bad = makeFrame(1, "H|\\^&\r", true);
  bad[bad.size() - 3] = bad[bad.size() - 3] == '0' ? '1' : '0';  // spoil the checksum
  link.feed(bad, events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, LinkEvent::Kind::kBadFrame);
  EXPECT_NE(events[0].reason.find("checksum"), std::string::npos);
  events.clear();
  link.feed(makeFrame(1, "H|\\^&", false) + makeFrame(2, "\r", true), events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, LinkEvent::Kind::kFrame);
  EXPECT_FALSE(events[0].last);  // ETB: the text goes on in the next frame
  EXPECT_EQ(events[0].text, "H|\\^&");
  // Frame 2 is bad until frame 1 is accepted: the receiver expects 1 again.
  EXPECT_EQ(events[1].kind, LinkEvent::Kind::kBadFrame);
  link.frameAccepted();
  events.clear();
  link.feed(makeFrame(1, "again", true) + makeFrame(2, "\r", true), events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, LinkEvent::Kind::kRepeatFrame);  // our ACK was lost: not taken twice
  EXPECT_EQ(events[1].kind, LinkEvent::Kind::kFrame);
  EXPECT_TRUE(events[1].last);
  events.clear();
  link.feed(std::string(1, kEot), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, LinkEvent::Kind::kEndOfTransmission);
}

TEST(AstmLink, FrameNumbersWrapFromSevenToZero) {
  LinkReceiver link;
  std::vector<LinkEvent> events;
  link.feed(std::string(1, kEnq), events);
  for (int n = 1; n <= 9; ++n) {
    events.clear();
    link.feed(makeFrame(n, "R|" + std::to_string(n) + "\r", true), events);
    ASSERT_EQ(events.size(), 1u);
    ASSERT_EQ(events[0].kind, LinkEvent::Kind::kFrame) << "frame " << n << ": " << events[0].reason;
    link.frameAccepted();
  }
}

TEST(AstmRecords, MakeAnOruWithPatientOrderResultsAndComments) {
  auto oru = toOru(kRecords, {"RRK", "ASTM"});
  ASSERT_TRUE(oru) << oru.error().describe();
  auto m = hl7::Message::parse(*oru);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m->get("MSH-3"), "ANALYSER");
  EXPECT_EQ(*m->get("MSH-4"), "RRK");
  EXPECT_EQ(*m->get("MSH-9"), "ORU");
  EXPECT_EQ(*m->get("MSH-12"), "2.5");
  EXPECT_EQ(*m->get("PID-3"), "MRN123");
  EXPECT_EQ(*m->get("PID-5.1"), "SMITH");
  EXPECT_EQ(*m->get("PID-5.2"), "JANE");
  EXPECT_EQ(*m->get("PID-7"), "19700101");
  EXPECT_EQ(*m->get("OBR-2"), "SPEC42");
  EXPECT_EQ(*m->get("OBR-4.1"), "GLU");
  EXPECT_EQ(*m->get("OBR-7"), "20261125093000");
  EXPECT_EQ(*m->get("OBX-2"), "NM");
  EXPECT_EQ(*m->get("OBX-3.1"), "GLU");
  EXPECT_EQ(*m->get("OBX-3.3"), "ASTM");
  EXPECT_EQ(*m->get("OBX-5"), "5.4");
  EXPECT_EQ(*m->get("OBX-6"), "mmol/L");
  EXPECT_EQ(*m->get("OBX-7"), "3.9-5.5");
  EXPECT_EQ(*m->get("OBX-8"), "N");
  EXPECT_EQ(*m->get("OBX-11"), "F");
  EXPECT_EQ(*m->get("OBX-14"), "20261125101000");
  EXPECT_EQ(*m->get("OBX-18"), "ANALYSER-1");
  EXPECT_EQ(*m->get("OBX[2]-3.1"), "NA");
  EXPECT_EQ(*m->get("NTE-3"), "Sample slightly haemolysed");
  // The same records give the same control id (a resend is a duplicate); others do not.
  auto again = toOru(kRecords, {"RRK", "ASTM"});
  EXPECT_EQ(hl7::Message::parse(*again)->controlId(), m->controlId());
  auto other = kRecords;
  other[3] = "R|1|^^^GLU|5.5|mmol/L|3.9-5.5|N||F";
  EXPECT_NE(hl7::Message::parse(*toOru(other, {}))->controlId(), m->controlId());
}

TEST(AstmRecords, UseTheDelimitersTheHeaderDeclaresAndRefuseIncompleteMessages) {
  auto oru = toOru({"H!@#$", "O!1!S9!!###K", "R!1!###K@###X!4.1!mmol/L", "L!1"}, {});
  ASSERT_TRUE(oru) << oru.error().describe();
  EXPECT_EQ(*hl7::Message::parse(*oru)->get("OBX-3.1"), "K");
  EXPECT_EQ(*hl7::Message::parse(*oru)->get("OBX-5"), "4.1");
  auto noL = toOru({kRecords[0], kRecords[3]}, {});
  ASSERT_FALSE(noL);
  EXPECT_NE(noL.error().text.find("L record"), std::string::npos);
  EXPECT_FAILS_WITH(toOru({kRecords[0], "L|1"}, {}), ErrorCode::kMalformedMessage);  // no result
  EXPECT_FAILS_WITH(toOru({"P|1", "L|1"}, {}), ErrorCode::kMalformedMessage);        // no header
}

// An analyser on the other end of a TCP connection.
class Analyser {
 public:
  explicit Analyser(std::uint16_t port) : socket_(Poco::Net::SocketAddress("127.0.0.1", port)) {
    socket_.setReceiveTimeout(Poco::Timespan(10, 0));
  }
  char send(const std::string& bytes) {
    socket_.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    char reply = 0;
    return socket_.receiveBytes(&reply, 1) == 1 ? reply : 0;
  }
  void end() { socket_.sendBytes(&kEot, 1); }

 private:
  Poco::Net::StreamSocket socket_;
};

class AstmSourceTest : public plugin::PluginRuntime {
 protected:
  void SetUp() override {
    PluginRuntime::SetUp();
    config::ChannelConfig c =
        channelConfig("analysers", "file", {{"directory", (dir_ / "out").string()}});
    c.source.type = "astm";
    c.source.settings = {{"listen", "127.0.0.1:" + std::to_string(port_)},
                         {"sendingFacility", "RRK"},
                         {"frameTimeoutSeconds", "1"}};
    channel_ = &start(c);
    auto made = plugin::makeSource(registry_, *channel_);
    ASSERT_TRUE(made) << made.error().describe();
    source_ = std::move(*made);
    ASSERT_TRUE(source_->start());
  }
  void TearDown() override {
    source_.reset();
    PluginRuntime::TearDown();
  }
  std::int64_t count(const std::string& state) {
    return journal_->countMessages("analysers", state).value_or(-1);
  }

  std::uint16_t port_ = testing::freePort();
  pipeline::Channel* channel_ = nullptr;
  std::unique_ptr<pipeline::Source> source_;
};

TEST_F(AstmSourceTest, ConvertsAMessageAndAcksItsLastFrameAfterTheCommit) {
  Analyser analyser(port_);
  ASSERT_EQ(analyser.send(std::string(1, kEnq)), kAck);
  for (std::size_t i = 0; i < kRecords.size(); ++i) {
    const std::string frame = makeFrame(static_cast<int>(i + 1), kRecords[i] + "\r", true);
    if (i == 2) {  // a frame spoilt on the line is NAKed, then sent again
      std::string spoilt = frame;
      spoilt[3] = '#';
      ASSERT_EQ(analyser.send(spoilt), kNak);
    }
    ASSERT_EQ(analyser.send(frame), kAck) << "frame " << i + 1;
  }
  // The ACK of the L frame came after the commit: the message is in the journal already.
  auto committed = journal_->message(1);
  ASSERT_TRUE(committed) << committed.error().describe();
  EXPECT_NE(committed->state, "rejected");
  analyser.end();
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("analysers", "delivered").value_or(0) == 1; }));
  auto message = journal_->message(1);
  ASSERT_TRUE(message);
  auto oru = hl7::Message::parse(message->bytes);
  ASSERT_TRUE(oru);
  EXPECT_EQ(*oru->get("OBX-5"), "5.4");
  EXPECT_EQ(*oru->get("MSH-4"), "RRK");
}

TEST_F(AstmSourceTest, KeepsAMessageCutShortAsRefused) {
  Analyser analyser(port_);
  ASSERT_EQ(analyser.send(std::string(1, kEnq)), kAck);
  ASSERT_EQ(analyser.send(makeFrame(1, kRecords[0] + "\r", true)), kAck);
  ASSERT_EQ(analyser.send(makeFrame(2, kRecords[3] + "\r", true)), kAck);
  analyser.end();  // no L record
  ASSERT_TRUE(testing::waitUntil([&] { return count("rejected") == 1; }));
  auto kept = journal_->message(1);
  ASSERT_TRUE(kept);
  EXPECT_NE(kept->bytes.find("R|1|^^^GLU|5.4"), std::string::npos);
  EXPECT_NE(kept->error.find("ended before the message's L record"), std::string::npos)
      << kept->error;
}

}  // namespace
}  // namespace pathhub::transport_astm
