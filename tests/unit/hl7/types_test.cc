// Typed readers: TS/DTM, CX (NHS number), XPN, XCN, CE/CWE, NM, SN.
#include "hl7/types.h"

#include <gtest/gtest.h>

#include "hl7/message.h"

namespace pathhub::hl7 {
namespace {

TEST(DateTime, ReadsEveryPrecisionWithOffset) {
  auto y = parseDateTime("2024");
  ASSERT_TRUE(y);
  EXPECT_EQ(y->precision, DateTime::Precision::kYear);
  EXPECT_EQ(y->toIso8601(), "2024");

  auto day = parseDateTime("20240229");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->toIso8601(), "2024-02-29");

  auto full = parseDateTime("20241013103300.1234+0130");
  ASSERT_TRUE(full) << full.error().text;
  EXPECT_EQ(full->precision, DateTime::Precision::kFraction);
  EXPECT_EQ(full->fraction, 1234);
  EXPECT_EQ(full->offsetMinutes, 90);
  EXPECT_EQ(full->toHl7(), "20241013103300.1234+0130");
  EXPECT_EQ(full->toIso8601(), "2024-10-13T10:33:00.1234+01:30");

  auto minute = parseDateTime("200610061445-0800");
  ASSERT_TRUE(minute);
  EXPECT_EQ(minute->precision, DateTime::Precision::kMinute);
  EXPECT_EQ(minute->offsetMinutes, -480);
  EXPECT_EQ(minute->toHl7(), "200610061445-0800");
}

TEST(DateTime, RefusesImpossibleValues) {
  for (const char* bad : {"", "196203520", "20230229", "20241301", "2024010124", "202401011260",
                          "20240101120000+1500", "20240101120000+01", "2024-01-01", "20240101.5",
                          "20240101120000.12345"}) {
    auto dt = parseDateTime(bad);
    ASSERT_FALSE(dt) << bad;
    EXPECT_EQ(dt.error().code, ErrorCode::kInvalidValue);
  }
}

TEST(Cx, FindsTheNhsNumberAmongPid3Identifiers) {
  auto m = Message::parse(
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.4\r"
      "PID|1||633^^^R0A^MR~9449305552^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH\r");
  ASSERT_TRUE(m);
  const auto ids = readCxList(*m, *Path::parse("PID-3"));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0].id, "633");
  EXPECT_EQ(ids[0].assigningAuthority.namespaceId, "R0A");
  EXPECT_EQ(ids[0].identifierTypeCode, "MR");
  auto nhs = findNhsNumber(ids);
  ASSERT_TRUE(nhs);
  EXPECT_EQ(nhs->id, "9449305552");
  EXPECT_EQ(nhs->assigningAuthority.universalId, "2.16.840.1.113883.2.1.4.1");
  EXPECT_EQ(nhs->assigningAuthority.universalIdType, "ISO");
  EXPECT_TRUE(isValidNhsNumber(nhs->id));
}

TEST(Cx, ChecksNhsNumberCheckDigits) {
  EXPECT_TRUE(isValidNhsNumber("9449305552"));
  EXPECT_TRUE(isValidNhsNumber("9434765919"));
  EXPECT_TRUE(isValidNhsNumber("7179209791"));
  EXPECT_FALSE(isValidNhsNumber("9449305553"));
  EXPECT_FALSE(isValidNhsNumber("944930555"));
  EXPECT_FALSE(isValidNhsNumber("94493O5552"));
}

TEST(Names, ReadsXpnAndXcn) {
  const Delimiters d;
  const PersonName name = parseXpn("SMITH^JOHN^ALAN^JR^DR^^L", d);
  EXPECT_EQ(name.family, "SMITH");
  EXPECT_EQ(name.given, "JOHN");
  EXPECT_EQ(name.secondNames, "ALAN");
  EXPECT_EQ(name.prefix, "DR");
  EXPECT_EQ(name.nameTypeCode, "L");
  const Clinician gp = parseXcn("G8123456^JONES^ANN^^^DR^^^GMC&2.16.840&ISO^L^^^GMC", d);
  EXPECT_EQ(gp.id, "G8123456");
  EXPECT_EQ(gp.family, "JONES");
  EXPECT_EQ(gp.assigningAuthority.namespaceId, "GMC");
  EXPECT_EQ(gp.assigningAuthority.universalIdType, "ISO");
  EXPECT_EQ(gp.identifierTypeCode, "GMC");
}

TEST(Coded, ReadsCeAndCwe) {
  const Delimiters d;
  const CodedValue ce = parseCodedValue("GLU^Glucose\\T\\more^L^1234^Glucose^SCT", d);
  EXPECT_EQ(ce.identifier, "GLU");
  EXPECT_EQ(ce.text, "Glucose&more");
  EXPECT_EQ(ce.altCodingSystem, "SCT");
  const CodedValue cwe = parseCodedValue("1^A^SCT^^^^2024^^original", d);
  EXPECT_EQ(cwe.codingSystemVersion, "2024");
  EXPECT_EQ(cwe.originalText, "original");
}

TEST(Numeric, ReadsNmKeepingItsText) {
  auto n = parseNumeric(" -12.50 ");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->text, "-12.50");
  EXPECT_DOUBLE_EQ(n->value, -12.5);
  EXPECT_EQ(n->decimals, 2);
  EXPECT_TRUE(parseNumeric("+.5"));
  for (const char* bad : {"", "<7", "1e5", "1.2.3", "-", "12 3"}) {
    EXPECT_FALSE(parseNumeric(bad)) << bad;
  }
}

TEST(StructuredNumeric, ReadsComparatorsRangesAndRatios) {
  const Delimiters d;
  auto lt = parseSn("<^7", d);
  ASSERT_TRUE(lt);
  EXPECT_EQ(lt->comparator, "<");
  EXPECT_DOUBLE_EQ(lt->num1->value, 7);
  auto range = parseSn("^10^-^20", d);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->separator, "-");
  EXPECT_DOUBLE_EQ(range->num2->value, 20);
  auto plain = parseSn("^182", d);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->comparator, "");
  EXPECT_FALSE(parseSn("~^7", d));
  EXPECT_FALSE(parseSn("^7^*^2", d));
  EXPECT_FALSE(parseSn("^abc", d));
}

}  // namespace
}  // namespace pathhub::hl7
