#include "wenyuan/server/api_response.h"

namespace wenyuan::server {

namespace {
// Characters that end a path inside a message: whitespace, quotes, brackets and
// the ": " that follows a file name in our messages.
bool ends_path(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == ')' || c == ']' || c == ',' ||
         c == ':' || c == ';';
}
bool starts_token(char prev) {
  return prev == ' ' || prev == '\t' || prev == '\n' || prev == '"' || prev == '\'' || prev == '(' || prev == '[' ||
         prev == '=' || prev == ':' || prev == ',';
}
}  // namespace

std::string sanitize_message(std::string_view m) {
  std::string out;
  out.reserve(m.size());
  size_t i = 0;
  while (i < m.size()) {
    const bool at_token = m[i] == '/' && (i == 0 || starts_token(m[i - 1]));
    if (!at_token) {
      out += m[i++];
      continue;
    }
    size_t end = i;
    while (end < m.size() && !ends_path(m[end])) ++end;
    const std::string_view token = m.substr(i, end - i);
    const size_t last = token.find_last_of('/');
    if (last == 0 || token.rfind("/api/", 0) == 0) {
      out += token;  // "/x" or an API route: not a file-system path
    } else {
      out += token.substr(last + 1);
    }
    i = end;
  }
  return out;
}

}  // namespace wenyuan::server
