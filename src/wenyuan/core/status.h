// Status and Result<T>: how errors cross module boundaries in wenyuan.
//
// Invariants: a Status is either ok() or carries a code and a message that names
// the input and the place ("laws.jsonl:1234: missing field \"text\"").
// Result<T> holds exactly one of a value or a non-ok Status. Exceptions stay
// inside a module; public functions return Status/Result.
//
// Both are [[nodiscard]]: an error dropped on the floor is a bug. Where ignoring
// one is right (best-effort cleanup after another error), write `(void)` and a
// comment saying why.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace wenyuan {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input from a user or a file
  kNotFound,
  kAlreadyExists,
  kIoError,          // the operating system said no
  kCorruption,       // bytes on disk are not what they must be
  kTooLarge,         // a size cap was hit (file, zip entry, query)
  kUnsupported,      // a format or feature we do not handle
  kPermissionDenied,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status already_exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status too_large(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
  static Status unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status permission_denied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is prefixed with `context: `.
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return {code_, context + ": " + message_};
  }

 private:
  Status(StatusCode c, std::string m) : code_(c), message_(std::move(m)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}    // NOLINT: implicit by design

  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace wenyuan

// Returns early from the enclosing function if `expr` yields a non-ok Status.
#define WENYUAN_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::wenyuan::Status _st = (expr);            \
    if (!_st.is_ok()) return _st;              \
  } while (0)

// Evaluates `expr` (a Result<T>); if it holds an error, returns that Status from
// the enclosing function (which returns Status or any Result<U>), otherwise moves
// the value into `lhs`: a declaration (`auto doc`, `const Foo& f`) or an lvalue.
// Expands to several statements, so use it only where a statement may stand.
#define WENYUAN_ASSIGN_OR_RETURN(lhs, ...) \
  WENYUAN_ASSIGN_OR_RETURN_IMPL_(WENYUAN_STATUS_CONCAT_(wenyuan_result_, __LINE__), lhs, __VA_ARGS__)
#define WENYUAN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, ...) \
  auto tmp = (__VA_ARGS__);                          \
  if (!tmp.is_ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
#define WENYUAN_STATUS_CONCAT_(a, b) WENYUAN_STATUS_CONCAT_INNER_(a, b)
#define WENYUAN_STATUS_CONCAT_INNER_(a, b) a##b
