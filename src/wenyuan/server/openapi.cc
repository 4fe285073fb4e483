// Generated once by hand from the route table in api.cc; edit both together.
#include "wenyuan/server/openapi.h"

namespace wenyuan::server {

std::string_view openapi_json() {
  static constexpr std::string_view kDocument = R"json({
 "openapi": "3.0.3",
 "info": {
  "title": "wenyuan (文渊) HTTP API",
  "version": "0.1.0",
  "description": "Offsets are code points of a document's cleaned text. Errors: {\"error\":{\"code\",\"message\"}}. Cookie-authenticated POST/PATCH/DELETE need header X-CSRF-Token equal to the wy_csrf cookie; Authorization: Bearer <token> needs none."
 },
 "paths": {
  "/api/search": {
   "get": {
    "summary": "Precise search (精准搜索)",
    "parameters": [
     {
      "name": "q",
      "in": "query",
      "required": true,
      "description": "query",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "page",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "size",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "sort",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "string",
       "enum": [
        "relevance",
        "date"
       ]
      }
     },
     {
      "name": "year",
      "in": "query",
      "required": false,
      "description": "2023 or 2019..2023",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "source",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "category",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "unit",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "string",
       "enum": [
        "document",
        "paragraph"
       ]
      }
     }
    ],
    "responses": {
     "200": {
      "description": "hits; snippets in regions the caller may not read are locked",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SearchResult"
        }
       }
      }
     },
     "400": {
      "description": "bad query, or one over its cost budget (error code query_too_costly)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "rate limited (Retry-After)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/facets": {
   "get": {
    "summary": "Sources, categories, year range, document count",
    "responses": {
     "200": {
      "description": "facets",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/api/docs/{id}": {
   "get": {
    "summary": "A document as the caller may see it",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._-]{1,128}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "document view",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Document"
        }
       }
      }
     },
     "400": {
      "description": "invalid id",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such document",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/docs/{id}/download": {
   "get": {
    "summary": "Download as docx or txt (preview plus a note for non-members)",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._-]{1,128}$"
      }
     },
     {
      "name": "format",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "string",
       "enum": [
        "docx",
        "txt"
       ]
      }
     }
    ],
    "responses": {
     "200": {
      "description": "the file (Content-Disposition attachment)",
      "content": {
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
       "text/plain": {}
      }
     },
     "404": {
      "description": "no such document",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "download quota used up (quota_exceeded)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/download": {
   "post": {
    "summary": "Several documents as one zip",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "ids"
        ],
        "properties": {
         "ids": {
          "type": "array",
          "items": {
           "type": "string"
          }
         },
         "format": {
          "type": "string",
          "enum": [
           "docx",
           "txt"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "zip",
      "content": {
       "application/zip": {}
      }
     },
     "400": {
      "description": "bad body",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "an id does not exist",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/new": {
   "get": {
    "summary": "今日更新: documents imported or updated in the last N days, grouped by day (server local time), with per-day and per-category counts",
    "description": "Days are calendar days in the server's local time zone (the TZ of the server process; `timezone` in the answer gives its UTC offset, e.g. \"+08:00\"). days=1 is today since local midnight. Answer: {days, since, timezone, category, total, new, updated, categories:[{category,count}] (over the whole window, before the category filter), by_day:[{date:\"YYYY-MM-DD\",count,new,updated,documents:[…]}] (newest day first), documents:[…] (the same documents, flat)}. Each document: id, title, year, source, imported_at, category, change (\"new\" or \"updated\"), date. Counts cover every document of the window; limit bounds only the documents listed.",
    "parameters": [
     {
      "name": "days",
      "in": "query",
      "required": false,
      "description": "how many local days, today included",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 36500,
       "default": 7
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "at most this many documents listed",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 500,
       "default": 50
      }
     },
     {
      "name": "category",
      "in": "query",
      "required": false,
      "description": "only documents of this category (exact)",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "documents by day and counts",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "days or limit out of range",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/feed.atom": {
   "get": {
    "summary": "Atom feed of the newest documents (preview text only), optionally of one category",
    "description": "The 50 newest documents (by last import). Each entry's summary is the first 200 characters an anonymous reader may see (preview), whoever asks. Per category: /feed.atom?category=NAME.",
    "parameters": [
     {
      "name": "category",
      "in": "query",
      "required": false,
      "description": "only documents of this category (exact)",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "Atom 1.0",
      "content": {
       "application/atom+xml": {}
      }
     }
    }
   }
  },
  "/api/auth/register": {
   "post": {
    "summary": "Create a free account and log in",
    "requestBody": {
     "$ref": "#/components/requestBodies/Credentials"
    },
    "responses": {
     "201": {
      "description": "the user; sets wy_session and wy_csrf cookies",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "invalid username or password",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "username taken",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "rate limited",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/auth/login": {
   "post": {
    "summary": "Log in",
    "requestBody": {
     "$ref": "#/components/requestBodies/Credentials"
    },
    "responses": {
     "200": {
      "description": "the user; sets cookies",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "wrong username or password",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "rate limited",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/auth/logout": {
   "post": {
    "summary": "Log out (cookie sessions need X-CSRF-Token)",
    "responses": {
     "204": {
      "description": "logged out"
     },
     "403": {
      "description": "CSRF token missing",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/me": {
   "get": {
    "summary": "Who am I, tier and download quota",
    "responses": {
     "200": {
      "description": "me",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/api/admin/documents": {
   "get": {
    "summary": "List documents (admin)",
    "parameters": [
     {
      "name": "page",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "size",
      "in": "query",
      "required": false,
      "description": "",
      "schema": {
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "documents",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "not logged in",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "not an admin",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Upload files (admin), multipart field files",
    "requestBody": {
     "content": {
      "multipart/form-data": {
       "schema": {
        "type": "object",
        "properties": {
         "files": {
          "type": "array",
          "items": {
           "type": "string",
           "format": "binary"
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "import report",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "not multipart",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "too large",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/admin/documents/{id}": {
   "delete": {
    "summary": "Delete a document (admin)",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._-]{1,128}$"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "deleted"
     },
     "404": {
      "description": "no such document",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/admin/intake": {
   "get": {
    "summary": "Each day's intake (admin): import runs with counts imported/updated/unchanged/rejected, bytes, duration and the rejected files with reasons",
    "description": "From the intake log (DATA/intake.db), which records every import run: CLI, admin upload, watched folder. Days are server local days (see /api/new). Rejected files are shown by file name only. Answer: {days, since, timezone, by_day:[{date,runs,imported,updated,unchanged,rejected,bytes,seconds,run_list:[{id,started_at,origin,imported,updated,unchanged,rejected,bytes,seconds,rejects:[{file,reason}],rejects_dropped}]}]}.",
    "parameters": [
     {
      "name": "days",
      "in": "query",
      "required": false,
      "description": "how many local days, today included",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 400,
       "default": 7
      }
     }
    ],
    "responses": {
     "200": {
      "description": "intake by day",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "days out of range",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "not logged in",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "not an administrator",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/admin/rejected": {
   "get": {
    "summary": "Watched-folder files that could not be imported, with the reason (admin); retried when they change",
    "responses": {
     "200": {
      "description": "files: path (relative to its watched folder), reason, time (unix seconds)",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "files": {
           "type": "array",
           "items": {
            "type": "object",
            "properties": {
             "path": {"type": "string"},
             "reason": {"type": "string"},
             "time": {"type": "integer"}
            }
           }
          }
         }
        }
       }
      }
     }
    }
   }
  },
  "/api/admin/users": {
   "get": {
    "summary": "List users (admin)",
    "responses": {
     "200": {
      "description": "users",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   },
   "patch": {
    "summary": "Change a user's tier or disabled flag (admin)",
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "name"
        ],
        "properties": {
         "name": {
          "type": "string"
         },
         "tier": {
          "type": "string",
          "enum": [
           "free",
           "vip",
           "svip",
           "admin"
          ]
         },
         "disabled": {
          "type": "boolean"
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "the user",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "404": {
      "description": "no such user",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/healthz": {
   "get": {
    "summary": "Liveness",
    "responses": {
     "200": {
      "description": "ok",
      "content": {
       "text/plain": {}
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics",
    "responses": {
     "200": {
      "description": "text exposition format",
      "content": {
       "text/plain": {}
      }
     }
    }
   }
  },
  "/api/openapi.json": {
   "get": {
    "summary": "This document",
    "responses": {
     "200": {
      "description": "OpenAPI 3.0",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "cookie": {
    "type": "apiKey",
    "in": "cookie",
    "name": "wy_session"
   },
   "bearer": {
    "type": "http",
    "scheme": "bearer"
   }
  },
  "requestBodies": {
   "Credentials": {
    "required": true,
    "content": {
     "application/json": {
      "schema": {
       "type": "object",
       "required": [
        "username",
        "password"
       ],
       "properties": {
        "username": {
         "type": "string"
        },
        "password": {
         "type": "string",
         "minLength": 8
        }
       }
      }
     }
    }
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "properties": {
     "error": {
      "type": "object",
      "properties": {
       "code": {
        "type": "string",
        "enum": [
         "not_found",
         "bad_request",
         "unauthorized",
         "forbidden",
         "quota_exceeded",
         "rate_limited",
         "payload_too_large",
         "conflict",
         "internal"
        ]
       },
       "message": {
        "type": "string"
       }
      }
     }
    }
   },
   "Snippet": {
    "type": "object",
    "properties": {
     "text": {
      "type": "string"
     },
     "start": {
      "type": "integer"
     },
     "end": {
      "type": "integer"
     },
     "highlights": {
      "type": "array",
      "items": {
       "type": "array",
       "items": {
        "type": "integer"
       }
      }
     },
     "locked": {
      "type": "boolean"
     }
    }
   },
   "SearchResult": {
    "type": "object",
    "properties": {
     "query": {
      "type": "string"
     },
     "total": {
      "type": "integer"
     },
     "page": {
      "type": "integer"
     },
     "size": {
      "type": "integer"
     },
     "took_us": {
      "type": "integer"
     },
     "hits": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "id": {
         "type": "string"
        },
        "title": {
         "type": "string"
        },
        "year": {
         "type": "integer",
         "nullable": true
        },
        "source": {
         "type": "string"
        },
        "category": {
         "type": "string"
        },
        "score": {
         "type": "number"
        },
        "paragraph": {
         "type": "object"
        },
        "snippets": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Snippet"
         }
        }
       }
      }
     }
    }
   },
   "Document": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "access": {
      "type": "string",
      "enum": [
       "free",
       "paid"
      ]
     },
     "locked": {
      "type": "boolean"
     },
     "outline": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "blocks": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "regions": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "downloads": {
      "type": "object"
     }
    }
   }
  }
 }
})json";
  // Built once, on first use; immutable afterwards.
  static const std::string merged = merge_account_paths(kDocument);
  return merged;
}

}  // namespace wenyuan::server
