//! The OpenAPI 3.1 document of `/api/v1`, written out by hand: the API is small, and a generator
//! would cost more build time than the document costs to keep. A test checks that every route in
//! `api_v1` is described.

use serde_json::{json, Value};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "一站 yizhan — 一站式网上办事大厅 API",
            "version": "1",
            "description": "事项目录（办事指南、表格）。错误统一为 {code, message}，message 为中文。"
        },
        "paths": {
            "/api/v1/departments": {"get": {
                "summary": "部门列表（含各部门在办事项数）",
                "responses": {"200": {"description": "部门", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"departments": {"type": "array", "items": {"$ref": "#/components/schemas/Department"}}}
                }}}}}
            }},
            "/api/v1/items": {"get": {
                "summary": "事项检索：q 匹配中文、全拼和拼音首字母",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 50}, "description": "搜索词，超过 50 字截取"},
                    {"name": "department", "in": "query", "schema": {"type": "string"}, "description": "部门编码"},
                    {"name": "topic", "in": "query", "schema": {"type": "string"}, "description": "主题编码，如 birth、startup"},
                    {"name": "audience", "in": "query", "schema": {"type": "string", "enum": ["person", "company"]}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
                ],
                "responses": {
                    "200": {"description": "一页事项", "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["total", "items"],
                        "properties": {
                            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                            "notice": {"type": ["string", "null"]},
                            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ItemSummary"}}
                        }
                    }}}},
                    "422": error_response("参数无效")
                }
            }},
            "/api/v1/items/{code}": {"get": {
                "summary": "一个事项的完整办事指南、申请材料和表格",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "办事指南", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Guide"}}}},
                    "404": error_response("事项不存在或已停止办理")
                }
            }},
            "/api/v1/items/{code}/guide.pdf": {"get": {
                "summary": "办事指南 PDF（一页，嵌入中文字体）",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "PDF", "content": {"application/pdf": {}}},
                    "404": error_response("事项不存在")
                }
            }},
            "/api/v1/catalogue/export.json": {"get": {
                "summary": "导出整个事项目录（系统管理员）",
                "responses": {
                    "200": {"description": "yizhan-catalogue/1 文件"},
                    "401": error_response("未登录"),
                    "403": error_response("无权限")
                }
            }},
            "/forms/download/{code}": {"get": {
                "summary": "下载表格文件（计入下载次数）",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "文件"}, "404": error_response("表格不存在")}
            }}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}
            }},
            "Department": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "short_name": {"type": "string"},
                "phone": {"type": "string"}, "address": {"type": "string"}, "item_count": {"type": "integer"}
            }},
            "ItemSummary": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "department": {"type": "string"},
                "department_name": {"type": "string"},
                "item_type": {"type": "string", "enum": ["licensing", "confirmation", "benefit", "adjudication", "reward", "other_power", "public_service"]},
                "audiences": {"type": "array", "items": {"type": "string", "enum": ["person", "company"]}},
                "online": {"type": "boolean"}, "visits": {"type": "integer"},
                "legal_limit": {"type": "integer", "description": "法定办结时限（工作日）"},
                "promised_limit": {"type": "integer", "description": "承诺办结时限（工作日）"},
                "handling": {"type": "string", "enum": ["immediate", "promised", "joint"]},
                "charged": {"type": "boolean"},
                "scope": {"type": "string", "enum": ["local", "city", "province", "nationwide"]}
            }},
            "Guide": {"type": "object", "description": "办事指南全部要素", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}},
                "item_type": {"type": "string"}, "department": {"type": "string"}, "department_name": {"type": "string"},
                "legal_basis": {"type": "string"}, "conditions": {"type": "string"},
                "materials": {"type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string"}, "name": {"type": "string"},
                    "source": {"type": "string", "enum": ["applicant", "government", "agency", "other"]},
                    "originals": {"type": "integer"}, "copies": {"type": "integer"},
                    "medium": {"type": "string", "enum": ["paper", "electronic", "either"]},
                    "required": {"type": "boolean"}, "note": {"type": "string"},
                    "blank_form": {"type": ["string", "null"]}, "sample": {"type": ["string", "null"]}
                }}},
                "procedure": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "description": {"type": "string"}}}},
                "legal_limit": {"type": "integer"}, "promised_limit": {"type": "integer"},
                "fee": {"type": ["object", "null"], "properties": {"standard": {"type": "string"}, "basis": {"type": "string"}}},
                "location": {"type": "string"}, "hours": {"type": "string"},
                "consult_phone": {"type": "string"}, "complaint_phone": {"type": "string"},
                "handling": {"type": "string"}, "result_name": {"type": "string"}, "result_sample": {"type": ["string", "null"]},
                "visits": {"type": "integer"}, "online": {"type": "boolean"},
                "audiences": {"type": "array", "items": {"type": "string"}}, "topics": {"type": "array", "items": {"type": "string"}},
                "scope": {"type": "string"}, "version": {"type": "integer"}, "updated_at": {"type": "string", "format": "date-time"},
                "forms": {"type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string"}, "kind": {"type": "string", "enum": ["blank", "sample", "result_sample"]},
                    "title": {"type": "string"}, "filename": {"type": "string"}, "content_type": {"type": "string"},
                    "size": {"type": "integer"}, "downloads": {"type": "integer"}, "url": {"type": "string"}
                }}},
                "guide_pdf": {"type": "string"}
            }}
        }}
    })
}
