#include "json.h"

#include <gtest/gtest.h>

namespace rapport::http {
namespace {

struct Target {
  std::string name;
  std::int64_t age = -1;
  double score = -1;
  bool active = false;
  RawJson tags;
};

JsonObjectReader ReaderFor(Target& target) {
  JsonObjectReader reader;
  reader.Field("name", &target.name, Presence::kRequired)
      .Field("age", &target.age, Presence::kOptional)
      .Field("score", &target.score, Presence::kOptional)
      .Field("active", &target.active, Presence::kOptional)
      .Field("tags", &target.tags, Presence::kOptional);
  return reader;
}

TEST(JsonObjectReaderTest, ReadsDeclaredFields) {
  Target target;
  const auto problem =
      ReaderFor(target).Read(R"({"name":"Анна","age":31,"score":4.5,"active":true,"tags":["a", {"b":1}]})");
  ASSERT_FALSE(problem.has_value()) << problem->detail;
  EXPECT_EQ(target.name, "Анна");
  EXPECT_EQ(target.age, 31);
  EXPECT_DOUBLE_EQ(target.score, 4.5);
  EXPECT_TRUE(target.active);
  EXPECT_EQ(target.tags.text, R"(["a", {"b":1}])");
}

TEST(JsonObjectReaderTest, OptionalAbsentOrNullLeavesTargetUntouched) {
  Target target;
  ASSERT_FALSE(ReaderFor(target).Read(R"({"name":"x","age":null})").has_value());
  EXPECT_EQ(target.age, -1);
}

TEST(JsonObjectReaderTest, MalformedJsonIsInvalidJson) {
  Target target;
  for (std::string_view body : {"", "{", R"({"name":)", "not json", R"({"name":"x"} trailing)"}) {
    const auto problem = ReaderFor(target).Read(body);
    ASSERT_TRUE(problem.has_value()) << body;
    EXPECT_EQ(problem->code, "invalid_json") << body;
    EXPECT_EQ(problem->status, 400);
  }
}

TEST(JsonObjectReaderTest, NonObjectIsInvalidJson) {
  Target target;
  const auto problem = ReaderFor(target).Read("[1,2]");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->code, "invalid_json");
}

TEST(JsonObjectReaderTest, ReportsEveryFieldError) {
  Target target;
  const auto problem = ReaderFor(target).Read(R"({"age":"old","extra":1,"active":1})");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->code, "validation_failed");
  ASSERT_EQ(problem->errors.size(), 4u);
  EXPECT_EQ(problem->errors[0].field, "age");
  EXPECT_EQ(problem->errors[0].code, "wrong_type");
  EXPECT_EQ(problem->errors[1].field, "extra");
  EXPECT_EQ(problem->errors[1].code, "unknown_field");
  EXPECT_EQ(problem->errors[2].field, "active");
  EXPECT_EQ(problem->errors[2].code, "wrong_type");
  EXPECT_EQ(problem->errors[3].field, "name");
  EXPECT_EQ(problem->errors[3].code, "missing");
}

TEST(JsonObjectReaderTest, RequiredNullIsMissingAndDuplicatesAreRejected) {
  Target target;
  auto problem = ReaderFor(target).Read(R"({"name":null})");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->errors.at(0).code, "missing");
  problem = ReaderFor(target).Read(R"({"name":"a","name":"b"})");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->errors.at(0).code, "duplicate_field");
}

TEST(JsonObjectReaderTest, FractionIsNotAnInteger) {
  Target target;
  const auto problem = ReaderFor(target).Read(R"({"name":"a","age":1.5})");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->errors.at(0).code, "wrong_type");
}

TEST(JsonWriterTest, WritesEscapedDocument) {
  JsonWriter json;
  json.StartObject();
  json.Field("text", "quote \" and \\ and \n");
  json.Field("count", std::int64_t{-3});
  json.Field("ok", true);
  json.Key("raw");
  json.RawValue(R"({"a":[1]})");
  json.EndObject();
  EXPECT_EQ(json.Take(), R"({"text":"quote \" and \\ and \n","count":-3,"ok":true,"raw":{"a":[1]}})");
}

}  // namespace
}  // namespace rapport::http
