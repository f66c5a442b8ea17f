// The hub ↔ mapper worker protocol: what one side writes the other reads back whole, and the
// hub refuses a reply that is cut short, forged or too long rather than trusting it.
#include "pipeline/worker_wire.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "expect_error.h"

namespace pathhub::pipeline {
namespace {

WorkerReply sampleReply() {
  WorkerReply reply;
  reply.result.kind = MapResult::Kind::kFiltered;
  reply.result.bytes = std::string("MSH|^~\\&|A\r\0binary\xff", 20);
  reply.result.routes = {"gp", "epr"};
  reply.result.reason = "not for us";
  reply.result.derived = {{"MSH|1\r", {"gp"}}, {"MSH|2\r", {}}};
  reply.result.notes = {"info: one", "warning: two"};
  reply.result.hints.practice = "A81001";
  reply.result.hints.lane = "family-7";
  reply.result.scriptHash = std::string(64, 'a');
  reply.loadError = "map.lua:3: syntax";
  reply.log = {{"script.lab", 4, "a warning"}};
  return reply;
}

TEST(WorkerWire, RequestsAndRepliesRoundTrip) {
  WorkerRequest request{WorkerRequest::Kind::kMap, MapContext{"lab", 1234567890123}, "MSH|x\r"};
  auto back = decodeRequest(encodeRequest(request));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, WorkerRequest::Kind::kMap);
  EXPECT_EQ(back->context.channel, "lab");
  EXPECT_EQ(back->context.messageId, 1234567890123);
  EXPECT_EQ(back->bytes, "MSH|x\r");
  EXPECT_EQ(decodeRequest(encodeRequest({WorkerRequest::Kind::kIdle, {}, {}}))->kind,
            WorkerRequest::Kind::kIdle);

  const WorkerReply reply = sampleReply();
  auto read = decodeReply(encodeReply(reply));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->result.kind, MapResult::Kind::kFiltered);
  EXPECT_EQ(read->result.bytes, reply.result.bytes);
  EXPECT_EQ(read->result.routes, reply.result.routes);
  EXPECT_EQ(read->result.reason, "not for us");
  ASSERT_EQ(read->result.derived.size(), 2u);
  EXPECT_EQ(read->result.derived[0].routes, std::vector<std::string>{"gp"});
  EXPECT_EQ(read->result.derived[1].bytes, "MSH|2\r");
  EXPECT_EQ(read->result.notes, reply.result.notes);
  EXPECT_EQ(read->result.hints.practice, "A81001");
  EXPECT_EQ(read->result.hints.lane, "family-7");
  EXPECT_EQ(read->result.scriptHash, std::string(64, 'a'));
  EXPECT_EQ(read->loadError, "map.lua:3: syntax");
  ASSERT_EQ(read->log.size(), 1u);
  EXPECT_EQ(read->log[0].source, "script.lab");
  EXPECT_EQ(read->log[0].priority, 4);
}

TEST(WorkerWire, AReplyCutShortForgedOrPaddedIsRefused) {
  const std::string whole = encodeReply(sampleReply());
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    EXPECT_FAILS_WITH(decodeReply(whole.substr(0, cut)), ErrorCode::kMalformedMessage);
  }
  EXPECT_FAILS_WITH(decodeReply(whole + "x"), ErrorCode::kMalformedMessage);
  std::string badKind = whole;
  badKind[0] = '7';
  EXPECT_FAILS_WITH(decodeReply(badKind), ErrorCode::kMalformedMessage);
  // A forged count of derived messages far beyond what the bytes could hold.
  WorkerReply empty;
  std::string forged = encodeReply(empty);
  const std::size_t derivedCount = 1 + 4 + 4 + 4;  // kind, bytes, routes, reason
  forged[derivedCount] = '\x7f';
  EXPECT_FAILS_WITH(decodeReply(forged), ErrorCode::kMalformedMessage);
  EXPECT_FAILS_WITH(decodeRequest("Z"), ErrorCode::kMalformedMessage);
}

TEST(WorkerWire, FramesTravelWholeAndAReadWaitsOnlyItsLimit) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
  const std::string big(3 * 1024 * 1024 + 17, 'x');  // larger than a socket buffer
  std::thread writer([&] { ASSERT_TRUE(writeFrame(ends[1], big)); });
  FrameReader reader(ends[0]);
  auto got = reader.next(std::chrono::seconds(10));
  writer.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, big);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FAILS_WITH(reader.next(std::chrono::milliseconds(100)), ErrorCode::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  // Half a frame and then the other end closes: unavailable, not a hang.
  ASSERT_EQ(::write(ends[1], "\0\0\0\x10half", 8), 8);
  ::close(ends[1]);
  EXPECT_FAILS_WITH(reader.next(std::chrono::seconds(10)), ErrorCode::kUnavailable);
  ::close(ends[0]);
}

TEST(WorkerWire, FramesWrittenTogetherAreReadOneByOneInOrder) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
  std::string framed;
  for (const char* payload : {"first", "", "third, the longest of them"})
    appendFrame(framed, payload);
  ASSERT_TRUE(writeAll(ends[1], framed));
  FrameReader reader(ends[0]);
  EXPECT_EQ(reader.next(std::chrono::seconds(1)).value_or("?"), "first");
  EXPECT_EQ(reader.next(std::chrono::seconds(1)).value_or("?"), "");
  EXPECT_EQ(reader.next(std::chrono::seconds(1)).value_or("?"), "third, the longest of them");
  EXPECT_FAILS_WITH(reader.next(std::chrono::milliseconds(50)), ErrorCode::kTimeout);
  // A length beyond any frame is refused as soon as it is read, not waited for.
  ASSERT_EQ(::write(ends[1], "\xff\xff\xff\xff", 4), 4);
  EXPECT_FAILS_WITH(reader.next(std::chrono::seconds(10)), ErrorCode::kMalformedMessage);
  ::close(ends[0]);
  ::close(ends[1]);
}

}  // namespace
}  // namespace pathhub::pipeline
