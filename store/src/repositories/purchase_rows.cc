// See purchase_rows.h.
#include "repositories/purchase_rows.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace rapport::store {

Status ValidateText(std::string_view what, std::string_view text, std::size_t bytes_max) {
  if (text.size() > bytes_max) {
    return InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) + " bytes, over the " +
                           std::to_string(bytes_max) + " byte limit");
  }
  return {};
}

std::string EncodeLines(const std::vector<domain::PurchaseLine>& lines) {
  if (lines.empty()) return "[]";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const domain::PurchaseLine& line : lines) {
    writer.StartObject();
    writer.Key("sku");
    writer.String(line.sku.data(), static_cast<rapidjson::SizeType>(line.sku.size()));
    writer.Key("category");
    writer.String(line.category.data(), static_cast<rapidjson::SizeType>(line.category.size()));
    writer.Key("quantity");
    writer.Int64(line.quantity);
    writer.Key("unit_price_minor");
    writer.Int64(line.unit_price_minor);
    writer.EndObject();
  }
  writer.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<std::vector<domain::PurchaseLine>> DecodeLines(std::string_view json, std::int64_t purchase_id) {
  const auto broken = [&] {
    return DataLoss("purchase " + std::to_string(purchase_id) + " holds malformed lines_json");
  };
  if (json == "[]") return std::vector<domain::PurchaseLine>();
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsArray()) return broken();
  std::vector<domain::PurchaseLine> lines;
  lines.reserve(document.Size());
  for (const rapidjson::Value& item : document.GetArray()) {
    if (!item.IsObject()) return broken();
    const auto sku = item.FindMember("sku");
    const auto category = item.FindMember("category");
    const auto quantity = item.FindMember("quantity");
    const auto unit_price = item.FindMember("unit_price_minor");
    if (sku == item.MemberEnd() || !sku->value.IsString() || category == item.MemberEnd() ||
        !category->value.IsString() || quantity == item.MemberEnd() || !quantity->value.IsInt64() ||
        unit_price == item.MemberEnd() || !unit_price->value.IsInt64()) {
      return broken();
    }
    domain::PurchaseLine line;
    line.sku.assign(sku->value.GetString(), sku->value.GetStringLength());
    line.category.assign(category->value.GetString(), category->value.GetStringLength());
    line.quantity = quantity->value.GetInt64();
    line.unit_price_minor = unit_price->value.GetInt64();
    lines.push_back(std::move(line));
  }
  return lines;
}

Result<app::Purchase> PurchaseFromRow(const SqlRow& row) {
  app::Purchase purchase;
  purchase.id = PurchaseId(row.Int(0));
  purchase.contact_id = ContactId(row.Int(1));
  if (!row.IsNull(2)) purchase.company_id = CompanyId(row.Int(2));
  RAPPORT_ASSIGN_OR_RETURN(purchase.lines, DecodeLines(row.Text(3), row.Int(0)));
  purchase.total_minor = row.Int(4);
  purchase.currency = std::string(row.Text(5));
  purchase.channel = std::string(row.Text(6));
  purchase.store = std::string(row.Text(7));
  purchase.occurred_at = FromUnixMicros(row.Int(8));
  purchase.external_id = std::string(row.Text(9));
  purchase.points_earned = Points(row.Int(10));
  purchase.rules_version = row.Int(11);
  purchase.refunded_minor = row.Int(12);
  purchase.points_reversed = Points(row.Int(13));
  purchase.recorded_at = FromUnixMicros(row.Int(14));
  return purchase;
}

}  // namespace rapport::store
