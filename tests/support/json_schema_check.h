// Checks a JSON value against a schema of /api/openapi.json, for the tests
// that hold written objects to their schemas (library::schemas(), the served
// components). Only the keywords those schemas use: $ref (into `schemas`),
// type, nullable, enum, properties, required, additionalProperties: false,
// items, minItems, maxItems, anyOf. (libvalijson-dev validates JSON Schema,
// but not OpenAPI 3.0's "nullable", which the year and access fields use.)
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace wenyuan::testing {

// The mismatches of `v` against `schema`, each "path: what"; empty if it matches.
inline void schema_mismatches(const nlohmann::json& v, const nlohmann::json& schema, const nlohmann::json& schemas,
                              const std::string& path, std::vector<std::string>& out) {
  using nlohmann::json;
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    const std::string prefix = "#/components/schemas/";
    const std::string name = ref.substr(ref.rfind(prefix, 0) == 0 ? prefix.size() : 0);
    if (!schemas.contains(name)) {
      out.push_back(path + ": unknown $ref " + ref);
      return;
    }
    schema_mismatches(v, schemas[name], schemas, path, out);
    return;
  }
  if (schema.contains("anyOf")) {
    for (const auto& alt : schema["anyOf"]) {
      std::vector<std::string> errors;
      schema_mismatches(v, alt, schemas, path, errors);
      if (errors.empty()) return;
    }
    out.push_back(path + ": matches no anyOf alternative");
    return;
  }
  if (v.is_null()) {
    if (!schema.value("nullable", false)) out.push_back(path + ": null, not nullable");
    return;
  }
  const std::string type = schema.value("type", std::string());
  const bool ok = type.empty() || (type == "object" && v.is_object()) || (type == "array" && v.is_array()) ||
                  (type == "string" && v.is_string()) || (type == "boolean" && v.is_boolean()) ||
                  (type == "integer" && v.is_number_integer()) || (type == "number" && v.is_number());
  if (!ok) {
    out.push_back(path + ": " + std::string(v.type_name()) + ", not " + type);
    return;
  }
  if (schema.contains("enum")) {
    bool listed = false;
    for (const auto& e : schema["enum"]) listed = listed || e == v;
    if (!listed) out.push_back(path + ": " + v.dump() + " not in the enum");
  }
  if (v.is_object()) {
    const json properties = schema.value("properties", json::object());
    for (const auto& name : schema.value("required", json::array())) {
      if (!v.contains(name.get<std::string>())) out.push_back(path + ": missing " + name.get<std::string>());
    }
    for (const auto& [key, value] : v.items()) {
      if (properties.contains(key)) {
        schema_mismatches(value, properties[key], schemas, path + "." + key, out);
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"] == false) {
        out.push_back(path + ": property " + key + " not in the schema");
      }
    }
  }
  if (v.is_array()) {
    if (schema.contains("minItems") && v.size() < schema["minItems"].get<size_t>()) out.push_back(path + ": too few items");
    if (schema.contains("maxItems") && v.size() > schema["maxItems"].get<size_t>()) out.push_back(path + ": too many items");
    if (schema.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        schema_mismatches(v[i], schema["items"], schemas, path + "[" + std::to_string(i) + "]", out);
      }
    }
  }
}

// The mismatches of `v` against the schema named `name` in `schemas`, joined
// by newlines; "" if it matches.
inline std::string schema_mismatches(const nlohmann::json& v, const std::string& name, const nlohmann::json& schemas) {
  std::vector<std::string> out;
  schema_mismatches(v, {{"$ref", "#/components/schemas/" + name}}, schemas, name, out);
  std::string joined;
  for (const auto& e : out) joined += e + "\n";
  return joined;
}

}  // namespace wenyuan::testing
