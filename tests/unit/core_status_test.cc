// WENYUAN_ASSIGN_OR_RETURN and WENYUAN_RETURN_IF_ERROR: the early return and
// the value they hand on.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "wenyuan/core/status.h"

namespace wenyuan {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Status::invalid_argument(std::string("not a digit: ") + c);
  return c - '0';
}

// Two digits through ASSIGN_OR_RETURN into a declaration; counts how far it got.
Result<int> two_digits(const std::string& s, int* reached) {
  WENYUAN_ASSIGN_OR_RETURN(int tens, parse_digit(s.at(0)));
  *reached = 1;
  WENYUAN_ASSIGN_OR_RETURN(const int ones, parse_digit(s.at(1)));
  *reached = 2;
  return tens * 10 + ones;
}

TEST(CoreStatus, AssignOrReturnHandsOnTheValue) {
  int reached = 0;
  Result<int> r = two_digits("42", &reached);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(reached, 2);
}

TEST(CoreStatus, AssignOrReturnReturnsTheFirstError) {
  int reached = 0;
  Result<int> r = two_digits("4x", &reached);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "not a digit: x");
  EXPECT_EQ(reached, 1);  // the statements after the failing one did not run
}

Result<std::unique_ptr<std::string>> boxed(bool ok) {
  if (!ok) return Status::not_found("no box");
  return std::make_unique<std::string>("inside");
}

// A move-only value, into an existing variable, from a function returning Status.
Status unbox(bool ok, std::unique_ptr<std::string>& out) {
  WENYUAN_ASSIGN_OR_RETURN(out, boxed(ok));
  return Status::ok();
}

TEST(CoreStatus, AssignOrReturnMovesIntoAnExistingVariable) {
  std::unique_ptr<std::string> box;
  ASSERT_TRUE(unbox(true, box).is_ok());
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(*box, "inside");
  std::unique_ptr<std::string> untouched = std::make_unique<std::string>("before");
  Status st = unbox(false, untouched);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  ASSERT_NE(untouched, nullptr);
  EXPECT_EQ(*untouched, "before");
}

Status check_all(const std::string& s, size_t* checked) {
  for (char c : s) {
    WENYUAN_RETURN_IF_ERROR(parse_digit(c).status());
    ++*checked;
  }
  return Status::ok();
}

TEST(CoreStatus, ReturnIfErrorStopsAtTheFirstError) {
  size_t checked = 0;
  EXPECT_TRUE(check_all("123", &checked).is_ok());
  EXPECT_EQ(checked, 3u);
  checked = 0;
  EXPECT_EQ(check_all("1a3", &checked).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(checked, 1u);
}

}  // namespace
}  // namespace wenyuan
