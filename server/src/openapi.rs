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

/// Errors any operation can answer before or around its own work: a request that does not parse,
/// no session or the wrong role, an unknown record, a body too large, not JSON or of the wrong
/// shape, too many tries.
const COMMON_ERRORS: [(&str, &str); 8] = [
    ("400", "请求格式不正确"),
    ("401", "未登录或会话已结束"),
    ("403", "无权访问"),
    ("404", "未找到"),
    ("413", "请求内容过大"),
    ("415", "请求体不是 JSON"),
    ("422", "请求内容无法识别"),
    ("429", "尝试次数过多"),
];

pub fn document() -> Value {
    let mut doc = catalogue_document();
    for more in [case_paths(), talk_paths(), supervision_paths()] {
        if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), more) {
            paths.extend(more);
        }
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in operation.values_mut().filter_map(Value::as_object_mut) {
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (status, description) in COMMON_ERRORS {
                        responses
                            .entry(status)
                            .or_insert_with(|| error_response(description));
                    }
                }
            }
        }
    }
    doc
}

fn catalogue_document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "一站 yizhan — 一站式网上办事大厅 API",
            "version": "1",
            "description": "事项目录（办事指南、表格）、网上申请与办件查询。错误统一为 {code, message}，message 为中文。"
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
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "表单被退回时：字段或材料编码 → 应如何修改"}
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

/// The citizen journey: sessions, files, applications, documents, actions, status, ratings.
fn case_paths() -> Value {
    let case = json!({"name": "case_no", "in": "path", "required": true, "schema": {"type": "string"}, "description": "办件编号（20 位）"});
    let case_body = json!({"description": "办件（本人可见的全部内容）", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "case_no": {"type": "string"}, "query_code": {"type": ["string", "null"]}, "item_code": {"type": "string"},
        "item_name": {"type": "string"}, "department": {"type": "string"}, "state": {"type": "string"},
        "state_name": {"type": "string"}, "version": {"type": "integer"}, "submitted_at": {"type": "string", "format": "date-time"},
        "timeline": {"type": "array", "items": {"type": "object"}}, "deadlines": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "due": {"type": ["string", "null"], "format": "date"}, "status": {"type": "string"},
            "explanation": {"type": "array", "items": {"type": "string"}}}}},
        "materials": {"type": "array", "items": {"type": "object"}}, "can_withdraw": {"type": "boolean"}, "rating": {"type": ["integer", "null"]}
    }}}}});
    json!({
        "/api/v1/session": {
            "post": {
                "summary": "登录（设置会话 Cookie）；同一设备失败过多会被限流",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": {"description": "已登录"}, "401": error_response("用户名或密码错误"),
                    "423": error_response("账号已锁定"), "429": error_response("尝试次数过多")}
            },
            "delete": {
                "summary": "退出；everywhere=true 退出该账号的所有设备",
                "parameters": [{"name": "everywhere", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {"204": {"description": "已退出"}}
            }
        },
        "/api/v1/files": {"post": {
            "summary": "上传申请材料（multipart 字段 file）：按内容识别 PDF、JPEG、PNG、OFD，每个不超过 10 MB",
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"201": {"description": "{id, sha256, size, content_type, file_name}"},
                "401": error_response("未登录"), "413": error_response("文件过大"), "422": error_response("文件类型不对")}
        }},
        "/api/v1/applications": {
            "post": {
                "summary": "提交申请；请求头 Idempotency-Key 相同的重复提交返回同一办件",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string", "minLength": 8, "maxLength": 100}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["item_code"], "properties": {
                    "item_code": {"type": "string"}, "form": {"type": "object", "additionalProperties": true},
                    "materials": {"type": "array", "items": {"type": "object", "properties": {"material_code": {"type": "string"}, "file_id": {"type": "integer"}}}}
                }}}}},
                "responses": {"201": case_body.clone(), "200": {"description": "同一 Idempotency-Key 的已有办件"},
                    "400": error_response("缺少 Idempotency-Key"), "401": error_response("未登录"),
                    "422": error_response("字段有误：fields 为 {字段或材料编码: 说明}")}
            },
            "get": {
                "summary": "申请人：本人的办件和草稿；工作人员：本部门的工作队列",
                "parameters": [
                    {"name": "queue", "in": "query", "schema": {"type": "string", "enum": ["to_accept", "awaiting_supplement", "under_review", "suspended", "awaiting_decision", "to_conclude", "assisting", "due_soon", "overdue", "all"]}, "description": "工作人员的队列"},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["due", "submitted", "newest"]}},
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 40}, "description": "办件编号、申请人姓名、身份证号或手机号"},
                    {"name": "mine", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
                ],
                "responses": {"200": {"description": "申请人：{applications, drafts}；工作人员：{queue, counts, rows, total, page, per_page}"},
                    "401": error_response("未登录"), "422": error_response("未知的工作队列")}
            }
        },
        "/api/v1/applications/{case_no}": {"get": {
            "summary": "一件办件：申请人本人，或主办、协办部门和政务服务大厅的工作人员（工作人员查看记入审计日志）；他人的办件与不存在的一样返回 404",
            "parameters": [case.clone()],
            "responses": {"200": case_body, "401": error_response("未登录"), "403": error_response("不属于本部门的办件"), "404": error_response("未找到")}
        }},
        "/api/v1/applications/{case_no}/documents/{document}": {"get": {
            "summary": "办件文书 PDF：申请回执、受理通知书、补正材料告知书、不予受理通知书、延期告知书、特别程序告知书、决定书、电子证照（申请人本人或本部门工作人员）",
            "parameters": [case.clone(), {"name": "document", "in": "path", "required": true, "schema": {"type": "string", "enum": ["receipt.pdf", "acceptance.pdf", "supplement.pdf", "refusal.pdf", "extension.pdf", "suspension.pdf", "decision.pdf", "certificate.pdf"]}}],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}, "404": error_response("未找到")}
        }},
        "/api/v1/applications/{case_no}/actions": {"post": {
            "summary": "办理动作（申请人：withdraw、resubmit；工作人员：按流转表）",
            "parameters": [case.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["action", "version"], "properties": {
                "action": {"type": "string"}, "version": {"type": "integer"}, "reason": {"type": "string", "maxLength": 2000},
                "legal_basis": {"type": "string", "maxLength": 500},
                "missing": {"type": "array", "items": {"type": "string"}, "description": "补正：需要补正的材料编码（一次性告知）"},
                "opinion": {"type": "string", "enum": ["agree", "agree_with_conditions", "disagree"]},
                "branch": {"type": "string", "description": "协办部门编码"},
                "delivery": {"type": "string", "enum": ["counter", "mail", "online"]},
                "tracking_no": {"type": "string", "maxLength": 40},
                "suspension_kind": {"type": "string"}, "expected_days": {"type": "integer"}, "extension_days": {"type": "integer"}}}}}},
            "responses": {"200": {"description": "{case_no, state, version}"}, "403": error_response("无权进行此动作（角色、部门或环节不符）"), "422": error_response("缺少理由、依据等"),
                "404": error_response("未找到"), "409": error_response("办件已被他人处理（版本已变）")}
        }},
        "/api/v1/status/{case_no}": {"get": {
            "summary": "凭办件编号和查询密码公开查询（不需登录，限流）；编号错或密码错同样返回 404",
            "parameters": [case, {"name": "query_code", "in": "query", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "{case_no, item_name, department, state, state_name, timeline, deadlines}"},
                "404": error_response("办件编号或查询密码不正确"), "429": error_response("查询次数过多")}
        }},
        "/api/v1/certificates/{code}": {"get": {
            "summary": "电子证照核验（无需登录）：valid、revoked 或 invalid（未找到、内容被改动或非本平台签名）",
            "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "{status, certificate?, revoked_at?, reason?}"}}
        }},
        "/api/v1/ratings": {"post": {
            "summary": "好差评（level 1 非常不满意 … 5 非常满意，每项一次）：登录的申请人评价已办结的办件（case_no）；或凭查询密码（query_code）评价已办结的办件（case_no）或已答复的咨询、信访、来信（ref_no）。不满意、非常不满意自动进入整改",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["level"], "properties": {
                "case_no": {"type": "string"}, "ref_no": {"type": "string"}, "query_code": {"type": "string"},
                "level": {"type": "integer", "minimum": 1, "maximum": 5}, "comment": {"type": "string", "maxLength": 500}}}}}},
            "responses": {"201": {"description": "已评价"}, "404": error_response("编号或查询密码不正确"), "409": error_response("已评价过"), "422": error_response("尚未办结或答复，或内容不合要求")}
        }}
    })
}

/// 电子监察, for supervisors (a department's staff see their own cards).
fn supervision_paths() -> Value {
    let period = json!([
        {"name": "preset", "in": "query", "schema": {"type": "string", "enum": ["month", "quarter", "year", "12m"]}, "description": "统计区间（默认本年）"},
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}
    ]);
    json!({
        "/api/v1/supervision/summary": {"get": {
            "summary": "电子监察总览：全市与各部门的收件、受理、办结、按时办结率、提前办结率、平均办理工作日、超期、未销号预警、满意率、得分与等次，按周趋势（监察人员）",
            "parameters": period,
            "responses": {"200": {"description": "{period, region, departments[], weeks[], yellow_cards, red_cards, rectifications_open, rectifications_overdue, figures_through}"},
                "401": error_response("请先登录"), "403": error_response("只有监察人员可以查看"), "422": error_response("统计区间不正确")}
        }},
        "/api/v1/supervision/cards": {"get": {
            "summary": "黄牌、红牌（办件、环节、咨询、信访、来信）及其处理记录；监察人员看全部，部门工作人员看本部门",
            "parameters": [
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["issued", "explained", "escalated", "closed"]}, "description": "不填为未销号"},
                {"name": "color", "in": "query", "schema": {"type": "string", "enum": ["yellow", "red"]}},
                {"name": "department", "in": "query", "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
            ],
            "responses": {"200": {"description": "{counts, total, page, per_page, rows[], history[]}"}, "401": error_response("请先登录"), "403": error_response("无权查看")}
        }},
        "/api/v1/supervision/export.xlsx": {"get": {
            "summary": "导出 Excel：table = summary（部门办件情况）、league（季度考核，quarter=2026Q4）、cards（预警纠错）、ratings（好差评）",
            "parameters": [{"name": "table", "in": "query", "schema": {"type": "string", "enum": ["summary", "league", "cards", "ratings"]}},
                {"name": "quarter", "in": "query", "schema": {"type": "string"}}, period[0], period[1], period[2]],
            "responses": {"200": {"description": "xlsx", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                "403": error_response("无权导出"), "422": error_response("没有这张表")}
        }}
    })
}

/// 网上咨询, 网上信访 and 领导信箱: the same four operations on each.
fn talk_paths() -> Value {
    let mut paths = serde_json::Map::new();
    for (base, name, who) in [
        ("/api/v1/consultations", "网上咨询", "可匿名"),
        (
            "/api/v1/petitions",
            "网上信访",
            "须登录实名账号；依法不公开",
        ),
        ("/api/v1/mailbox-letters", "领导信箱", "须登录实名账号"),
    ] {
        let reference = json!({"name": "ref_no", "in": "path", "required": true, "schema": {"type": "string"}, "description": "编号（ZX/XF/XX 开头）"});
        let code = json!({"name": "query_code", "in": "query", "schema": {"type": "string"}, "description": "查询码（未登录时）"});
        paths.insert(base.to_string(), json!({
            "post": {
                "summary": format!("{name}：提交（{who}）；同一内容重复提交返回原编号"),
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "subject": {"type": "string", "maxLength": 100}, "body": {"type": "string", "maxLength": 5000},
                    "item_code": {"type": "string"}, "mailbox_code": {"type": "string"}, "category": {"type": "string", "enum": ["complaint", "request", "suggestion", "accusation", "other"]},
                    "anonymous": {"type": "boolean"}, "name": {"type": "string"}, "id_number": {"type": "string"},
                    "mobile": {"type": "string"}, "email": {"type": "string"}, "consent_publish": {"type": "boolean"}}}}}},
                "responses": {
                    "201": {"description": "{ref_no, query_code, state, due}"},
                    "401": error_response("须先登录"),
                    "422": error_response("内容有误：fields 为 {字段: 说明}")
                }
            },
            "get": {
                "summary": format!("{name}：工作人员为本部门队列（queue=open|due_soon|overdue|to_publish|done）；其他人为公开列表（信访为本人的信访事项）"),
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "queue", "in": "query", "schema": {"type": "string"}},
                    {"name": "item", "in": "query", "schema": {"type": "string"}},
                    {"name": "mailbox", "in": "query", "schema": {"type": "string"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
                ],
                "responses": {"200": {"description": "{total, page, per_page, rows}"}}
            }
        }));
        paths.insert(format!("{base}/{{ref_no}}"), json!({"get": {
            "summary": format!("{name}：一件（来信人、凭查询码或有权办理的工作人员）；查询码错误与编号不存在同样返回 404"),
            "parameters": [reference, code],
            "responses": {"200": {"description": "内容、状态、期限、答复、办理过程和当前可做的操作"}, "404": error_response("未找到"), "429": error_response("查询次数过多")}
        }}));
        paths.insert(format!("{base}/{{ref_no}}/actions"), json!({"post": {
            "summary": format!("{name}：操作 transfer|accept|refuse|extend|reply|approve|return|request_review|request_rereview|consent|withdraw_consent|publish|unpublish|rate"),
            "parameters": [reference],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["action", "version"], "properties": {
                "action": {"type": "string"}, "version": {"type": "integer"}, "query_code": {"type": "string"},
                "text": {"type": "string"}, "department": {"type": "string"}, "level": {"type": "integer", "minimum": 1, "maximum": 5},
                "public_subject": {"type": "string"}, "public_body": {"type": "string"}, "public_reply": {"type": "string"},
                "save_template": {"type": "string"}}}}}},
            "responses": {"200": {"description": "{ref_no, state, version, due}"}, "403": error_response("无权操作"),
                "404": error_response("未找到"), "409": error_response("已被他人处理，请刷新"), "422": error_response("内容有误或当前状态不能操作")}
        }}));
    }
    Value::Object(paths)
}
