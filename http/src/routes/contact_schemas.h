// OpenAPI schemas of the client-card API (JSON Schema fragments). Kept in one
// place so the route files stay readable and the document stays consistent.
#pragma once

#include <string_view>

namespace rapport::http::schemas {

inline constexpr std::string_view kAddress =
    R"({"type":"object","properties":{"line1":{"type":"string"},"line2":{"type":"string"},"city":{"type":"string"},"region":{"type":"string"},"postal_code":{"type":"string"},"country_code":{"type":"string","description":"ISO 3166-1 alpha-2"}}})";

inline constexpr std::string_view kRoles =
    R"({"type":"array","items":{"enum":["customer","supplier","distributor","partner","investor"]}})";

inline constexpr std::string_view kContact =
    R"({"type":"object","required":["id","first_name","last_name","email","phone","roles","companies","created_at","updated_at"],"properties":{"id":{"type":"integer"},"first_name":{"type":"string"},"last_name":{"type":"string"},"email":{"type":"string"},"other_emails":{"type":"array","items":{"type":"string"}},"phone":{"type":"string","description":"E.164"},"other_phones":{"type":"array","items":{"type":"string"}},"address":{"type":"object"},"birthday":{"type":["string","null"],"format":"date"},"gender":{"enum":["female","male","other",null]},"locale":{"type":"string"},"time_zone":{"type":"string"},"source":{"type":"string"},"owner_id":{"type":["integer","null"]},"external_id":{"type":"string"},"roles":{"type":"array","items":{"type":"string"}},"custom":{"type":"object","additionalProperties":{"type":"string"}},"companies":{"type":"array","items":{"type":"object","properties":{"company_id":{"type":"integer"},"name":{"type":"string"},"job_title":{"type":"string"},"primary":{"type":"boolean"}}}},"merged_into":{"type":["integer","null"]},"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kContactInput =
    R"({"type":"object","additionalProperties":false,"properties":{"first_name":{"type":"string","maxLength":200},"last_name":{"type":"string","maxLength":200},"email":{"type":["string","null"]},"other_emails":{"type":"array","items":{"type":"string"},"maxItems":10},"phone":{"type":["string","null"],"description":"E.164, or national with the installation's calling code"},"other_phones":{"type":"array","items":{"type":"string"},"maxItems":10},"address":{"type":"object"},"birthday":{"type":["string","null"],"description":"YYYY-MM-DD or DD.MM.YYYY"},"gender":{"enum":["female","male","other","",null]},"locale":{"enum":["en","ru","",null]},"time_zone":{"type":["string","null"]},"source":{"type":["string","null"]},"owner_id":{"type":["integer","null"]},"external_id":{"type":["string","null"]},"roles":{"type":"array","items":{"type":"string"}},"custom":{"type":"object"},"company_id":{"type":"integer","description":"POST only: link as the primary company"},"job_title":{"type":"string","description":"POST only"}}})";

inline constexpr std::string_view kCompany =
    R"({"type":"object","required":["id","name","roles","created_at","updated_at"],"properties":{"id":{"type":"integer"},"name":{"type":"string"},"country_code":{"type":"string"},"website":{"type":"string"},"email":{"type":"string"},"phone":{"type":"string"},"address":{"type":"object"},"roles":{"type":"array","items":{"type":"string"}},"owner_id":{"type":["integer","null"]},"external_id":{"type":"string"},"contact_count":{"type":"integer"},"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kCompanyInput =
    R"({"type":"object","additionalProperties":false,"properties":{"name":{"type":"string","maxLength":200},"country_code":{"type":"string"},"website":{"type":"string"},"email":{"type":"string"},"phone":{"type":"string"},"address":{"type":"object"},"roles":{"type":"array","items":{"type":"string"}},"owner_id":{"type":["integer","null"]},"external_id":{"type":"string"}}})";

inline constexpr std::string_view kEvent =
    R"({"type":"object","required":["sequence","kind","occurred_at","actor","payload"],"properties":{"sequence":{"type":"string"},"kind":{"type":"string"},"subject_type":{"type":"string"},"subject_id":{"type":"integer"},"occurred_at":{"type":"string","format":"date-time"},"recorded_at":{"type":"string","format":"date-time"},"actor":{"type":"string"},"payload":{"type":"object"}}})";

inline constexpr std::string_view kNote =
    R"({"type":"object","required":["id","contact_id","body","author","created_at"],"properties":{"id":{"type":"integer"},"contact_id":{"type":"integer"},"body":{"type":"string"},"author":{"type":"string"},"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kNoteInput =
    R"({"type":"object","required":["body"],"additionalProperties":false,"properties":{"body":{"type":"string","maxLength":65536}}})";

inline constexpr std::string_view kTask =
    R"({"type":"object","required":["id","contact_id","title","done"],"properties":{"id":{"type":"integer"},"contact_id":{"type":"integer"},"title":{"type":"string"},"details":{"type":"string"},"assignee_id":{"type":["integer","null"]},"due_at":{"type":["string","null"],"format":"date-time"},"remind_at":{"type":["string","null"],"format":"date-time"},"done":{"type":"boolean"},"done_at":{"type":["string","null"],"format":"date-time"},"created_by":{"type":"string"},"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kTaskInput =
    R"({"type":"object","additionalProperties":false,"properties":{"title":{"type":"string","maxLength":500},"details":{"type":"string"},"assignee_id":{"type":["integer","null"]},"due_at":{"type":["string","null"],"format":"date-time"},"remind_at":{"type":["string","null"],"format":"date-time"},"done":{"type":"boolean"}}})";

inline constexpr std::string_view kConsent =
    R"({"type":"object","required":["id","channel","purpose","status","recorded_at","method"],"properties":{"id":{"type":"integer"},"channel":{"enum":["email","sms","phone","post","any"]},"purpose":{"enum":["marketing","profiling","service"]},"status":{"enum":["granted","withdrawn"]},"recorded_at":{"type":"string","format":"date-time"},"method":{"type":"string"},"proof":{"type":"string"},"actor":{"type":"string"}}})";

inline constexpr std::string_view kConsentInput =
    R"({"type":"object","required":["channel","purpose","status","method"],"additionalProperties":false,"properties":{"channel":{"enum":["email","sms","phone","post","any"]},"purpose":{"enum":["marketing","profiling","service"]},"status":{"enum":["granted","withdrawn"]},"method":{"type":"string","description":"web_form, import, api, email_link, in_person, phone, ..."},"proof":{"type":"string"},"recorded_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kContactInterest =
    R"({"type":"object","required":["interest","source","strength"],"properties":{"interest":{"type":"string"},"name":{"type":"string"},"category":{"type":"string"},"source":{"enum":["declared","purchase","survey","campaign_click"]},"strength":{"type":"integer","minimum":1,"maximum":100},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kInterestInput =
    R"({"type":"object","additionalProperties":false,"properties":{"source":{"enum":["declared","purchase","survey","campaign_click"]},"strength":{"type":"integer","minimum":1,"maximum":100}}})";

inline constexpr std::string_view kTaxonomy =
    R"({"type":"object","required":["categories"],"properties":{"categories":{"type":"array","items":{"type":"object","properties":{"key":{"type":"string"},"name":{"type":"string"},"interests":{"type":"array","items":{"type":"object","properties":{"key":{"type":"string"},"name":{"type":"string"}}}}}}}}})";

inline constexpr std::string_view kDefineInterest =
    R"({"type":"object","required":["category","category_name","key","name"],"additionalProperties":false,"properties":{"category":{"type":"string"},"category_name":{"type":"string"},"key":{"type":"string"},"name":{"type":"string"}}})";

inline constexpr std::string_view kMerge =
    R"({"type":"object","required":["id","survivor_id","merged_id","merged_at"],"properties":{"id":{"type":"integer"},"survivor_id":{"type":"integer"},"merged_id":{"type":"integer"},"actor":{"type":"string"},"merged_at":{"type":"string","format":"date-time"},"undone_at":{"type":["string","null"],"format":"date-time"}}})";

inline constexpr std::string_view kMergeRequest =
    R"({"type":"object","required":["other_id"],"additionalProperties":false,"properties":{"other_id":{"type":"integer"},"fields":{"type":"object","additionalProperties":{"enum":["survivor","other"]}}}})";

inline constexpr std::string_view kMergeResult =
    R"({"type":"object","required":["merge","contact"],"properties":{"merge":{"type":"object"},"contact":{"type":"object"}}})";

inline constexpr std::string_view kDuplicate =
    R"({"type":"object","required":["id","first","second","score","rules","status"],"properties":{"id":{"type":"integer"},"first":{"type":"object"},"second":{"type":"object"},"score":{"type":"integer"},"rules":{"type":"array","items":{"enum":["same_email","same_phone","similar_name_same_company","similar_name_same_birthday"]}},"status":{"enum":["open","merged","dismissed"]},"found_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kCustomField =
    R"({"type":"object","required":["key","label","type"],"properties":{"id":{"type":"integer"},"key":{"type":"string","pattern":"^[a-z][a-z0-9_]{0,63}$"},"label":{"type":"string"},"type":{"enum":["text","number","date","choice"]},"choices":{"type":"array","items":{"type":"string"}},"required":{"type":"boolean"},"applies_to":{"enum":["contact","company"]}}})";

inline constexpr std::string_view kImportReport =
    R"({"type":"object","required":["dry_run","committed","rows","created","updated","unchanged","failed","errors"],"properties":{"dry_run":{"type":"boolean"},"committed":{"type":"boolean"},"rows":{"type":"integer"},"created":{"type":"integer"},"updated":{"type":"integer"},"unchanged":{"type":"integer"},"failed":{"type":"integer"},"unmapped_columns":{"type":"array","items":{"type":"string"}},"errors":{"type":"array","items":{"type":"object","properties":{"line":{"type":"integer"},"field":{"type":"string"},"reason":{"type":"string"}}}},"errors_truncated":{"type":"boolean"}}})";

inline constexpr std::string_view kImportPreview =
    R"({"type":"object","required":["delimiter","columns","rows","suggested","fields"],"properties":{"delimiter":{"type":"string"},"columns":{"type":"array","items":{"type":"string"}},"rows":{"type":"array","items":{"type":"array","items":{"type":"string"}}},"suggested":{"type":"object","additionalProperties":{"type":"string"}},"fields":{"type":"array","items":{"type":"string"}}}})";

inline constexpr std::string_view kImportMapping =
    R"({"type":"object","required":["name","mapping"],"properties":{"name":{"type":"string"},"mapping":{"type":"object","properties":{"columns":{"type":"array","items":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":2}},"default_calling_code":{"type":"string"}}},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kImportMappingInput =
    R"({"type":"object","required":["columns"],"additionalProperties":false,"properties":{"columns":{"type":"array","items":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":2}},"default_calling_code":{"type":"string"}}})";

}  // namespace rapport::http::schemas
