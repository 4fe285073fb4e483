// multipart/form-data (RFC 7578) parsing for uploads: the whole body is in
// memory (bounded by the upload limit), parts are views into it.
//
// Robustness: the boundary comes from Content-Type only (quoted or not, 1..70
// characters); a body without the closing delimiter, a part without a blank
// line after its headers, or more than `max_parts` parts is an error, never a
// partial result. File names are returned as sent; callers must not use them
// as paths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::server {

struct FormPart {
  std::string name;          // form field name
  std::string filename;      // empty for plain fields
  std::string content_type;  // as sent, may be empty
  std::string_view data;     // a view into the body passed to parse_multipart
};

// The boundary parameter of a multipart Content-Type; InvalidArgument if absent.
Result<std::string> multipart_boundary(std::string_view content_type);

Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                              size_t max_parts = 1000);

}  // namespace wenyuan::server
