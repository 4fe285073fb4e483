// The OpenAPI description of the reader's own lists (api_me.cc) and of the
// search suggestions (api_suggest.cc), merged over the main document like the
// account routes.
#include <nlohmann/json.hpp>

#include "wenyuan/server/openapi.h"

namespace wenyuan::server {

namespace {

constexpr std::string_view kMePaths = R"json({
 "/api/suggest": {
  "get": {"summary": "搜索建议: titles containing ?q= (those starting with it first) and queries asked at least twice that start with it; without q, 热门搜索 (the most asked queries). The same for every caller: titles are public, counts come from what was typed.",
   "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}}],
   "responses": {"200": {"description": "{\"q\",\"suggestions\":[{text,kind: title|popular}]}", "content": {"application/json": {"schema": {"type": "object"}}}}}}
 },
 "/api/me/favorites": {
  "get": {"summary": "My favourites (收藏): {\"favorites\":[{id,title,year,source,access,characters,folder,added_at}],\"folders\":[…]}; characters of a paid document only for members",
   "responses": {"200": {"description": "favourites, newest first", "content": {"application/json": {"schema": {"type": "object"}}}},
                 "401": {"description": "not logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
  "post": {"summary": "Add a document to a folder (\"\" = the default folder; a name up to 60 bytes)",
   "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["id"],
     "properties": {"id": {"type": "string"}, "folder": {"type": "string"}}}}}},
   "responses": {"201": {"description": "added (again: no change)", "content": {"application/json": {"schema": {"type": "object"}}}},
                 "404": {"description": "no such document", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
  "delete": {"summary": "Remove ?id= from ?folder= (or from every folder without folder)",
   "parameters": [{"name": "id", "in": "query", "required": true, "schema": {"type": "string"}},
                  {"name": "folder", "in": "query", "schema": {"type": "string"}}],
   "responses": {"200": {"description": "removed", "content": {"application/json": {"schema": {"type": "object"}}}}}}
 },
 "/api/me/history": {
  "get": {"summary": "浏览历史 with 阅读进度: {\"history\":[{id,title,…,views,first_seen,last_seen,position}]}, newest first (200 at most; 2000 kept). Opening a document (GET /api/docs/{id}) logged in records a view.",
   "responses": {"200": {"description": "history", "content": {"application/json": {"schema": {"type": "object"}}}}}},
  "post": {"summary": "Remember my reading position in a document (code point offset)",
   "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["id", "position"],
     "properties": {"id": {"type": "string"}, "position": {"type": "integer", "minimum": 0}}}}}},
   "responses": {"200": {"description": "remembered", "content": {"application/json": {"schema": {"type": "object"}}}}}},
  "delete": {"summary": "Clear my history", "responses": {"200": {"description": "cleared", "content": {"application/json": {"schema": {"type": "object"}}}}}}
 },
 "/api/me/downloads": {
  "get": {"summary": "下载记录: {\"downloads\":[{id,title,…,format,at}]}, newest first",
   "responses": {"200": {"description": "downloads", "content": {"application/json": {"schema": {"type": "object"}}}}}}
 },
 "/api/me/basket": {
  "get": {"summary": "素材篮: {\"items\":[{item,id,start,end,position,title,locked,text,citation}]} in my order; text only while I may read the paragraph (else locked, text null)",
   "responses": {"200": {"description": "items", "content": {"application/json": {"schema": {"type": "object"}}}}}},
  "post": {"summary": "Add a paragraph I can read (start/end of one of the document's readable blocks) at the end",
   "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["id", "start", "end"],
     "properties": {"id": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}}}}}},
   "responses": {"201": {"description": "{\"item\":N,\"position\":P}", "content": {"application/json": {"schema": {"type": "object"}}}},
                 "400": {"description": "not a paragraph I can read (a paid one for a non-member included)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
  "delete": {"summary": "Empty the basket", "responses": {"200": {"description": "cleared", "content": {"application/json": {"schema": {"type": "object"}}}}}}
 },
 "/api/me/basket/order": {
  "post": {"summary": "Reorder: every item id exactly once",
   "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["order"],
     "properties": {"order": {"type": "array", "items": {"type": "integer"}}}}}}},
   "responses": {"200": {"description": "reordered", "content": {"application/json": {"schema": {"type": "object"}}}},
                 "400": {"description": "not a permutation of my items", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
 },
 "/api/me/basket/export": {
  "post": {"summary": "The basket as one .docx: each readable paragraph, then its source note （来源：《标题》，发文机关，年份）; locked ones left out",
   "responses": {"200": {"description": "素材篮.docx", "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}},
                 "400": {"description": "nothing readable in the basket", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
 },
 "/api/me/basket/{item}": {
  "delete": {"summary": "Take one item out",
   "parameters": [{"name": "item", "in": "path", "required": true, "schema": {"type": "integer"}}],
   "responses": {"200": {"description": "removed", "content": {"application/json": {"schema": {"type": "object"}}}},
                 "404": {"description": "no such item of mine", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
 }
})json";

}  // namespace

void merge_me_paths(nlohmann::json& spec) {
  const nlohmann::json extra = nlohmann::json::parse(kMePaths);
  for (const auto& [path, ops] : extra.items()) {
    for (const auto& [method, op] : ops.items()) spec["paths"][path][method] = op;
  }
}

}  // namespace wenyuan::server
