#include "profile_json.h"

#include <simdjson.h>

#include <utility>

#include "json_builder.h"

namespace rapport::app {
namespace {

Status Malformed(std::string_view what) { return DataLoss("a stored merge record is malformed: " + std::string(what)); }

Status ReadStrings(simdjson::ondemand::value value, std::vector<std::string>& target) {
  simdjson::ondemand::array array;
  if (value.get_array().get(array)) return Malformed("expected an array of strings");
  for (auto element : array) {
    std::string_view text;
    if (element.get_string().get(text)) return Malformed("expected a string");
    target.emplace_back(text);
  }
  return Status::Ok();
}

Status ReadIntegers(simdjson::ondemand::value value, std::vector<std::int64_t>& target) {
  simdjson::ondemand::array array;
  if (value.get_array().get(array)) return Malformed("expected an array of integers");
  for (auto element : array) {
    std::int64_t number = 0;
    if (element.get_int64().get(number)) return Malformed("expected an integer");
    target.push_back(number);
  }
  return Status::Ok();
}

}  // namespace

std::string ProfileToJson(const ContactProfile& profile) {
  JsonBuilder json;
  json.Add("first_name", profile.first_name)
      .Add("last_name", profile.last_name)
      .Add("email", profile.email)
      .Add("other_emails", profile.other_emails)
      .Add("phone", profile.phone)
      .Add("other_phones", profile.other_phones)
      .Add("address_line1", profile.address.line1)
      .Add("address_line2", profile.address.line2)
      .Add("city", profile.address.city)
      .Add("region", profile.address.region)
      .Add("postal_code", profile.address.postal_code)
      .Add("country_code", profile.address.country_code)
      .Add("birthday", profile.birthday.value_or(""))
      .Add("gender", profile.gender ? domain::GenderName(*profile.gender) : std::string_view())
      .Add("locale", profile.locale)
      .Add("time_zone", profile.time_zone)
      .Add("source", profile.source)
      .Add("owner_id", profile.owner ? profile.owner->value() : std::int64_t{0})
      .Add("external_id", profile.external_id)
      .Add("roles", static_cast<std::int64_t>(profile.roles))
      .Add("custom_json", profile.custom_json);
  return json.Take();
}

Result<ContactProfile> ProfileFromJson(std::string_view json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) || document.get_object().get(object)) return Malformed("not an object");
  ContactProfile profile;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return Malformed("bad key");
    simdjson::ondemand::value value = field.value();
    if (key == "other_emails") {
      RAPPORT_RETURN_IF_ERROR(ReadStrings(value, profile.other_emails));
      continue;
    }
    if (key == "other_phones") {
      RAPPORT_RETURN_IF_ERROR(ReadStrings(value, profile.other_phones));
      continue;
    }
    if (key == "owner_id" || key == "roles") {
      std::int64_t number = 0;
      if (value.get_int64().get(number)) return Malformed(key);
      if (key == "roles") {
        profile.roles = static_cast<domain::RelationshipRoleSet>(number);
      } else if (number != 0) {
        profile.owner = UserId(number);
      }
      continue;
    }
    std::string_view text;
    if (value.get_string().get(text)) return Malformed(key);
    std::string string(text);
    if (key == "first_name")
      profile.first_name = std::move(string);
    else if (key == "last_name")
      profile.last_name = std::move(string);
    else if (key == "email")
      profile.email = std::move(string);
    else if (key == "phone")
      profile.phone = std::move(string);
    else if (key == "address_line1")
      profile.address.line1 = std::move(string);
    else if (key == "address_line2")
      profile.address.line2 = std::move(string);
    else if (key == "city")
      profile.address.city = std::move(string);
    else if (key == "region")
      profile.address.region = std::move(string);
    else if (key == "postal_code")
      profile.address.postal_code = std::move(string);
    else if (key == "country_code")
      profile.address.country_code = std::move(string);
    else if (key == "birthday") {
      if (!string.empty()) profile.birthday = std::move(string);
    } else if (key == "gender") {
      if (!string.empty()) {
        profile.gender = domain::ParseGender(string);
        if (!profile.gender) return Malformed("gender");
      }
    } else if (key == "locale")
      profile.locale = std::move(string);
    else if (key == "time_zone")
      profile.time_zone = std::move(string);
    else if (key == "source")
      profile.source = std::move(string);
    else if (key == "external_id")
      profile.external_id = std::move(string);
    else if (key == "custom_json")
      profile.custom_json = std::move(string);
    else
      return Malformed("unknown field " + std::string(key));
  }
  return profile;
}

std::string MovedRowsToJson(const MovedRows& rows) {
  return JsonBuilder()
      .Add("notes", rows.notes)
      .Add("tasks", rows.tasks)
      .Add("consents", rows.consents)
      .Add("purchases", rows.purchases)
      .Add("company_links", rows.company_links)
      .Add("interests", rows.interests)
      .Add("point_lots", rows.point_lots)
      .Add("coupons", rows.coupons)
      .Add("coupon_uses", rows.coupon_uses)
      .Add("referrals_made", rows.referrals_made)
      .Add("referral_of", rows.referral_of)
      .Add("referral_code", rows.referral_code)
      .Take();
}

Result<MovedRows> MovedRowsFromJson(std::string_view json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) || document.get_object().get(object)) return Malformed("not an object");
  MovedRows rows;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return Malformed("bad key");
    std::vector<std::int64_t>* target = key == "notes"            ? &rows.notes
                                        : key == "tasks"          ? &rows.tasks
                                        : key == "consents"       ? &rows.consents
                                        : key == "purchases"      ? &rows.purchases
                                        : key == "company_links"  ? &rows.company_links
                                        : key == "interests"      ? &rows.interests
                                        : key == "point_lots"     ? &rows.point_lots
                                        : key == "coupons"        ? &rows.coupons
                                        : key == "coupon_uses"    ? &rows.coupon_uses
                                        : key == "referrals_made" ? &rows.referrals_made
                                        : key == "referral_of"    ? &rows.referral_of
                                        : key == "referral_code"  ? &rows.referral_code
                                                                  : nullptr;
    if (target == nullptr) return Malformed("unknown list " + std::string(key));
    RAPPORT_RETURN_IF_ERROR(ReadIntegers(field.value(), *target));
  }
  return rows;
}

}  // namespace rapport::app
