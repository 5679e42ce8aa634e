#include "repositories/relationships.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::store {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
// Rows per CopyRows call of InsertContacts: bounds the parameter arrays
// (about 30 values per contact) whatever the batch size.
constexpr std::size_t kCopyChunkRows = 8'192;
// Characters of sort_name two contacts share for the similar-name rule to
// look at them (app/relationships.h, DuplicateNeighbours).
constexpr std::size_t kNeighbourPrefixCodePoints = 4;
// The largest code point, UTF-8: every string that starts with a prefix sorts
// below prefix + this (byte order; U+10FFFF is a non-character).
constexpr std::string_view kMaxCodePoint = "\xF4\x8F\xBF\xBF";

// ---- JSON arrays of strings (other_emails, other_phones, choices, query parameters)

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

template <typename Strings>
std::string JsonStringArray(const Strings& strings) {
  std::string out = "[";
  bool first = true;
  for (const auto& text : strings) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, text);
  }
  out += ']';
  return out;
}

template <typename Ints>
std::string JsonIntArray(const Ints& values) {
  std::string out = "[";
  bool first = true;
  for (std::int64_t value : values) {
    if (!first) out += ',';
    first = false;
    out += std::to_string(value);
  }
  out += ']';
  return out;
}

void AppendUtf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// Parses a JSON array of strings as this repository writes it; nullopt when
// the text is anything else.
std::optional<std::vector<std::string>> ParseJsonStringArray(std::string_view text) {
  std::vector<std::string> items;
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\t' || text[at] == '\r')) ++at;
  };
  const auto read_hex4 = [&](std::uint32_t& value) {
    if (at + 4 > text.size()) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text[at++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  };
  skip_space();
  if (at >= text.size() || text[at++] != '[') return std::nullopt;
  skip_space();
  if (at < text.size() && text[at] == ']') {
    ++at;
    skip_space();
    return at == text.size() ? std::optional(items) : std::nullopt;
  }
  while (true) {
    skip_space();
    if (at >= text.size() || text[at++] != '"') return std::nullopt;
    std::string item;
    while (true) {
      if (at >= text.size()) return std::nullopt;
      const char c = text[at++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        item += c;
        continue;
      }
      if (at >= text.size()) return std::nullopt;
      const char escaped = text[at++];
      switch (escaped) {
        case '"': item += '"'; break;
        case '\\': item += '\\'; break;
        case '/': item += '/'; break;
        case 'b': item += '\b'; break;
        case 'f': item += '\f'; break;
        case 'n': item += '\n'; break;
        case 'r': item += '\r'; break;
        case 't': item += '\t'; break;
        case 'u': {
          std::uint32_t code_point = 0;
          if (!read_hex4(code_point)) return std::nullopt;
          if (code_point >= 0xD800 && code_point < 0xDC00) {
            std::uint32_t low = 0;
            if (at + 2 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return std::nullopt;
            at += 2;
            if (!read_hex4(low) || low < 0xDC00 || low >= 0xE000) return std::nullopt;
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
          } else if (code_point >= 0xDC00 && code_point < 0xE000) {
            return std::nullopt;
          }
          AppendUtf8(item, code_point);
          break;
        }
        default: return std::nullopt;
      }
    }
    items.push_back(std::move(item));
    skip_space();
    if (at >= text.size()) return std::nullopt;
    const char separator = text[at++];
    if (separator == ']') break;
    if (separator != ',') return std::nullopt;
  }
  skip_space();
  if (at != text.size()) return std::nullopt;
  return items;
}

Result<std::vector<std::string>> StringArrayColumn(const SqlRow& row, int column, std::string_view what) {
  std::optional<std::vector<std::string>> items = ParseJsonStringArray(row.Text(column));
  if (!items) {
    return DataLoss(std::string(what) + " holds '" + std::string(row.Text(column)) + "', not a JSON array of strings");
  }
  return std::move(*items);
}

// ---- Parameters

SqlParam TextOrNull(std::string_view text) { return text.empty() ? SqlParam(SqlNull{}) : SqlParam(text); }

SqlParam OptionalText(const std::optional<std::string>& text) {
  return text ? SqlParam(std::string_view(*text)) : SqlParam(SqlNull{});
}

SqlParam OptionalUser(const std::optional<UserId>& user) {
  return user ? SqlParam(user->value()) : SqlParam(SqlNull{});
}

SqlParam GenderParam(const std::optional<domain::Gender>& gender) {
  return gender ? SqlParam(domain::GenderName(*gender)) : SqlParam(SqlNull{});
}

Status ValidateRowCount(std::size_t count) {
  if (count > limits::kBulkRowsPerTransactionMax) {
    return InvalidArgument("bulk write of " + std::to_string(count) + " contacts is over the limit of " +
                           std::to_string(limits::kBulkRowsPerTransactionMax) + " per call");
  }
  return {};
}

Status ValidateProfile(const app::ContactProfile& profile) {
  if (profile.other_emails.size() > limits::kOtherEmailsMax) {
    return InvalidArgument("a contact has " + std::to_string(profile.other_emails.size()) +
                           " further e-mails; the limit is " + std::to_string(limits::kOtherEmailsMax));
  }
  if (profile.other_phones.size() > limits::kOtherPhonesMax) {
    return InvalidArgument("a contact has " + std::to_string(profile.other_phones.size()) +
                           " further phones; the limit is " + std::to_string(limits::kOtherPhonesMax));
  }
  return {};
}

int ClampPageSize(int limit) { return std::clamp(limit, 1, limits::kPageSizeMax); }

// The eight filter parameters every contact list query starts with
// (queries/*/relationships.sql).
void AppendFilterParams(const app::ContactFilter& filter, std::vector<SqlParam>& params) {
  params.push_back(filter.role ? static_cast<std::int64_t>(domain::RoleBit(*filter.role)) : std::int64_t{0});
  params.push_back(filter.company ? filter.company->value() : std::int64_t{0});
  params.push_back(filter.owner ? filter.owner->value() : std::int64_t{0});
  params.push_back(std::string_view(filter.locale));
  params.push_back(std::string_view(filter.source));
  params.push_back(filter.created_from ? ToUnixMicros(*filter.created_from) : kInt64Min);
  params.push_back(filter.created_to ? ToUnixMicros(*filter.created_to) : kInt64Max);
  params.push_back(std::int64_t{filter.include_merged ? 1 : 0});
}

// The full-text expression of folded prefix terms: FTS5 `"t1"* AND "t2"*`
// or tsquery `'t1':* & 't2':*`. Empty when no term is left.
std::string SearchExpression(Dialect dialect, const std::vector<std::string>& terms) {
  std::string expression;
  const char quote = dialect == Dialect::kSqlite ? '"' : '\'';
  std::size_t used = 0;
  for (const std::string& term : terms) {
    if (term.empty()) continue;
    if (used == limits::kSearchTermsMax) break;
    if (used++ > 0) expression += dialect == Dialect::kSqlite ? " AND " : " & ";
    expression += quote;
    for (char c : term) {
      expression += c;
      if (c == quote) expression += c;  // both syntaxes double a quote inside quotes
    }
    expression += quote;
    expression += dialect == Dialect::kSqlite ? "*" : ":*";
  }
  return expression;
}

// ---- Rows

// Column order of the contact queries (CONTACT_COLUMNS in relationships.sql).
struct ContactRow {
  app::Contact contact;
  std::string sort_name;
};

Result<ContactRow> ContactFromRow(const SqlRow& row) {
  ContactRow out;
  app::Contact& contact = out.contact;
  app::ContactProfile& profile = contact.profile;
  contact.id = ContactId(row.Int(0));
  profile.first_name = std::string(row.Text(1));
  profile.last_name = std::string(row.Text(2));
  profile.email = std::string(row.Text(3));
  RAPPORT_ASSIGN_OR_RETURN(profile.other_emails, StringArrayColumn(row, 4, "contacts.other_emails"));
  profile.phone = std::string(row.Text(5));
  RAPPORT_ASSIGN_OR_RETURN(profile.other_phones, StringArrayColumn(row, 6, "contacts.other_phones"));
  profile.address.line1 = std::string(row.Text(7));
  profile.address.line2 = std::string(row.Text(8));
  profile.address.city = std::string(row.Text(9));
  profile.address.region = std::string(row.Text(10));
  profile.address.postal_code = std::string(row.Text(11));
  profile.address.country_code = std::string(row.Text(12));
  if (!row.IsNull(13)) profile.birthday = std::string(row.Text(13));
  if (!row.IsNull(14)) {
    profile.gender = domain::ParseGender(row.Text(14));
    if (!profile.gender)
      return DataLoss("contact " + std::to_string(contact.id.value()) + " holds the unknown gender '" +
                      std::string(row.Text(14)) + "'");
  }
  profile.locale = std::string(row.Text(15));
  profile.time_zone = std::string(row.Text(16));
  profile.source = std::string(row.Text(17));
  if (!row.IsNull(18)) profile.owner = UserId(row.Int(18));
  if (!row.IsNull(19)) profile.external_id = std::string(row.Text(19));
  profile.roles = static_cast<domain::RelationshipRoleSet>(row.Int(20));
  profile.custom_json = std::string(row.Text(21));
  if (!row.IsNull(22)) contact.merged_into = ContactId(row.Int(22));
  contact.created_at = FromUnixMicros(row.Int(23));
  contact.updated_at = FromUnixMicros(row.Int(24));
  out.sort_name = std::string(row.Text(25));
  return out;
}

// Column order of the company queries (CO in relationships.sql), then the
// contact count.
app::Company CompanyFromRow(const SqlRow& row, std::string* search_name) {
  app::Company company;
  app::CompanyProfile& profile = company.profile;
  company.id = CompanyId(row.Int(0));
  profile.name = std::string(row.Text(1));
  profile.country_code = std::string(row.Text(2));
  profile.website = std::string(row.Text(3));
  profile.email = std::string(row.Text(4));
  profile.phone = std::string(row.Text(5));
  profile.address.line1 = std::string(row.Text(6));
  profile.address.line2 = std::string(row.Text(7));
  profile.address.city = std::string(row.Text(8));
  profile.address.region = std::string(row.Text(9));
  profile.address.postal_code = std::string(row.Text(10));
  profile.address.country_code = profile.country_code;
  profile.roles = static_cast<domain::RelationshipRoleSet>(row.Int(11));
  if (!row.IsNull(12)) profile.owner = UserId(row.Int(12));
  if (!row.IsNull(13)) profile.external_id = std::string(row.Text(13));
  profile.custom_json = std::string(row.Text(14));
  company.created_at = FromUnixMicros(row.Int(15));
  company.updated_at = FromUnixMicros(row.Int(16));
  if (search_name != nullptr) *search_name = std::string(row.Text(17));
  company.contact_count = row.Int(18);
  return company;
}

constexpr std::array<domain::DuplicateRule, 4> kAllDuplicateRules = {
    domain::DuplicateRule::kSameEmail, domain::DuplicateRule::kSamePhone,
    domain::DuplicateRule::kSimilarNameSameCompany, domain::DuplicateRule::kSimilarNameSameBirthday};

std::string JoinRules(const std::vector<domain::DuplicateRule>& rules) {
  std::string joined;
  for (domain::DuplicateRule rule : rules) {
    if (!joined.empty()) joined += ',';
    joined += domain::DuplicateRuleName(rule);
  }
  return joined;
}

Result<std::vector<domain::DuplicateRule>> ParseRules(std::string_view text, std::int64_t id) {
  std::vector<domain::DuplicateRule> rules;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    const auto* found =
        std::find_if(kAllDuplicateRules.begin(), kAllDuplicateRules.end(),
                     [&](domain::DuplicateRule rule) { return domain::DuplicateRuleName(rule) == name; });
    if (found == kAllDuplicateRules.end()) {
      return DataLoss("duplicate candidate " + std::to_string(id) + " names the unknown rule '" + std::string(name) +
                      "'; it was written by hand or by a newer release");
    }
    rules.push_back(*found);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return rules;
}

Result<app::DuplicateCandidate> DuplicateFromRow(const SqlRow& row) {
  app::DuplicateCandidate candidate;
  candidate.id = DuplicateId(row.Int(0));
  candidate.first = ContactId(row.Int(1));
  candidate.second = ContactId(row.Int(2));
  candidate.score = static_cast<int>(row.Int(3));
  RAPPORT_ASSIGN_OR_RETURN(candidate.rules, ParseRules(row.Text(4), row.Int(0)));
  const std::optional<app::DuplicateStatus> status = app::ParseDuplicateStatus(row.Text(5));
  if (!status) {
    return DataLoss("duplicate candidate " + std::to_string(row.Int(0)) + " has the unknown status '" +
                    std::string(row.Text(5)) + "'");
  }
  candidate.status = *status;
  candidate.found_at = FromUnixMicros(row.Int(6));
  candidate.decided_at = FromUnixMicros(row.Int(7));
  return candidate;
}

// Column order of duplicate_probes_after and duplicate_neighbours.
Result<app::DuplicateProbe> ProbeFromRow(const SqlRow& row) {
  app::DuplicateProbe probe;
  probe.id = ContactId(row.Int(0));
  if (!row.Text(1).empty()) probe.emails.emplace_back(row.Text(1));
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::string> other_emails, StringArrayColumn(row, 2, "contacts.other_emails"));
  for (std::string& email : other_emails) probe.emails.push_back(std::move(email));
  if (!row.Text(3).empty()) probe.phones.emplace_back(row.Text(3));
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::string> other_phones, StringArrayColumn(row, 4, "contacts.other_phones"));
  for (std::string& phone : other_phones) probe.phones.push_back(std::move(phone));
  probe.sort_name = std::string(row.Text(5));
  if (!row.IsNull(6)) probe.birthday = std::string(row.Text(6));
  return probe;
}

// The first `count` code points of UTF-8 text (continuation bytes follow
// their lead byte).
std::string_view CodePointPrefix(std::string_view text, std::size_t count) {
  std::size_t at = 0;
  std::size_t seen = 0;
  while (at < text.size()) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) {
      if (seen == count) break;
      ++seen;
    }
    ++at;
  }
  return text.substr(0, at);
}

template <typename Id>
Result<std::optional<Id>> OptionalId(SqlSession& session, std::string_view query, std::span<const SqlParam> params) {
  std::optional<Id> id;
  RAPPORT_RETURN_IF_ERROR(session.Query(query, params, [&](const SqlRow& row) {
    id = Id(row.Int(0));
    return Status();
  }));
  return id;
}

Result<std::int64_t> Count(SqlSession& session, std::string_view query, std::span<const SqlParam> params) {
  std::int64_t count = 0;
  RAPPORT_RETURN_IF_ERROR(session.Query(query, params, [&](const SqlRow& row) {
    count = row.Int(0);
    return Status();
  }));
  return count;
}

Status RequireChanged(Result<std::int64_t> changed, std::string what) {
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return NotFound(std::move(what) + " not found");
  return {};
}

}  // namespace

// ---- Contacts: reads

Status SqlRelationships::FillCompanies(std::vector<app::Contact>& contacts) {
  if (contacts.empty()) return {};
  std::vector<std::int64_t> ids;
  ids.reserve(contacts.size());
  std::unordered_map<std::int64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    ids.push_back(contacts[i].id.value());
    index_of.emplace(contacts[i].id.value(), i);
  }
  const std::string json = JsonIntArray(ids);
  const SqlParam params[] = {std::string_view(json)};
  return session_.Query("contact_companies_of", params, [&](const SqlRow& row) {
    const auto found = index_of.find(row.Int(0));
    if (found == index_of.end()) return Status();
    contacts[found->second].companies.push_back(
        app::CompanyLink{CompanyId(row.Int(1)), std::string(row.Text(2)), std::string(row.Text(3)), row.Int(4) != 0});
    return Status();
  });
}

Result<std::vector<app::Contact>> SqlRelationships::QueryContacts(std::string_view query_name,
                                                                  std::span<const SqlParam> params,
                                                                  std::string* last_sort_name) {
  std::vector<app::Contact> contacts;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(ContactRow read, ContactFromRow(row));
    contacts.push_back(std::move(read.contact));
    if (last_sort_name != nullptr) *last_sort_name = std::move(read.sort_name);
    return Status();
  }));
  RAPPORT_RETURN_IF_ERROR(FillCompanies(contacts));
  return contacts;
}

Result<std::optional<app::Contact>> SqlRelationships::GetContact(ContactId id) {
  const ContactId ids[] = {id};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Contact> contacts, GetContacts(ids));
  if (contacts.empty()) return std::optional<app::Contact>();
  return std::optional<app::Contact>(std::move(contacts.front()));
}

Result<std::vector<app::Contact>> SqlRelationships::GetContacts(std::span<const ContactId> ids) {
  if (ids.empty()) return std::vector<app::Contact>();
  if (ids.size() > limits::kBulkRowsPerTransactionMax) {
    return InvalidArgument("GetContacts of " + std::to_string(ids.size()) + " ids is over the limit of " +
                           std::to_string(limits::kBulkRowsPerTransactionMax));
  }
  std::vector<std::int64_t> values;
  values.reserve(ids.size());
  for (ContactId id : ids) values.push_back(id.value());
  const std::string json = JsonIntArray(values);
  const SqlParam params[] = {std::string_view(json)};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Contact> found, QueryContacts("contact_get_many", params, nullptr));
  std::unordered_map<std::int64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < found.size(); ++i) index_of.emplace(found[i].id.value(), i);
  std::vector<app::Contact> ordered;
  ordered.reserve(ids.size());
  for (ContactId id : ids) {
    const auto at = index_of.find(id.value());
    if (at != index_of.end()) ordered.push_back(found[at->second]);  // a copy: an id may be asked twice
  }
  return ordered;
}

Result<std::vector<std::optional<ContactId>>> SqlRelationships::FindContactsByKey(app::ContactKey key,
                                                                                  std::span<const std::string> values) {
  std::vector<std::optional<ContactId>> ids(values.size());
  if (values.empty()) return ids;
  if (values.size() > limits::kBulkRowsPerTransactionMax) {
    return InvalidArgument("a key lookup of " + std::to_string(values.size()) + " values is over the limit of " +
                           std::to_string(limits::kBulkRowsPerTransactionMax));
  }
  std::vector<std::string_view> wanted;
  for (const std::string& value : values) {
    if (!value.empty()) wanted.push_back(value);
  }
  if (wanted.empty()) return ids;
  std::string_view query;
  switch (key) {
    case app::ContactKey::kEmail: query = "contact_find_by_email"; break;
    case app::ContactKey::kPhone: query = "contact_find_by_phone"; break;
    case app::ContactKey::kExternalId: query = "contact_find_by_external_id"; break;
  }
  const std::string json = JsonStringArray(wanted);
  const SqlParam params[] = {std::string_view(json)};
  // Rows come by ascending id: the oldest holder of a key wins.
  std::unordered_map<std::string, ContactId> holder;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query, params, [&](const SqlRow& row) {
    holder.emplace(std::string(row.Text(0)), ContactId(row.Int(1)));
    return Status();
  }));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].empty()) continue;
    const auto found = holder.find(values[i]);
    if (found != holder.end()) ids[i] = found->second;
  }
  return ids;
}

Result<app::ContactPage> SqlRelationships::ListContacts(const app::ContactQuery& query) {
  const int limit = ClampPageSize(query.limit);
  const std::string expression = SearchExpression(session_.dialect(), query.filter.search_terms);
  // Searches are newest first whatever sort was asked (app/relationships.h).
  const app::ContactSort sort = expression.empty() ? query.sort : app::ContactSort::kNewest;
  std::vector<SqlParam> params;
  params.reserve(12);
  AppendFilterParams(query.filter, params);
  std::string_view query_name;
  const bool by_company = query.filter.company.has_value();
  if (!expression.empty()) {
    query_name = "contact_list_search";
    params.push_back(std::string_view(expression));
    params.push_back(query.after ? query.after->id.value() : kInt64Max);
  } else {
    switch (sort) {
      case app::ContactSort::kNewest:
        query_name = by_company ? "contact_list_company_newest" : "contact_list_newest";
        params.push_back(query.after ? query.after->id.value() : kInt64Max);
        break;
      case app::ContactSort::kName:
        query_name = by_company ? "contact_list_company_name" : "contact_list_name";
        params.push_back(query.after ? std::string_view(query.after->text_key) : std::string_view());
        params.push_back(query.after ? query.after->id.value() : std::int64_t{0});
        break;
      case app::ContactSort::kUpdated:
        query_name = by_company ? "contact_list_company_updated" : "contact_list_updated";
        params.push_back(query.after ? query.after->number_key : kInt64Max);
        params.push_back(query.after ? query.after->id.value() : kInt64Max);
        break;
    }
  }
  params.push_back(std::int64_t{limit});
  app::ContactPage page;
  std::string last_sort_name;
  RAPPORT_ASSIGN_OR_RETURN(page.items, QueryContacts(query_name, params, &last_sort_name));
  if (static_cast<int>(page.items.size()) == limit) {
    const app::Contact& last = page.items.back();
    app::ContactCursor cursor;
    cursor.id = last.id;
    if (sort == app::ContactSort::kName) cursor.text_key = std::move(last_sort_name);
    if (sort == app::ContactSort::kUpdated) cursor.number_key = ToUnixMicros(last.updated_at);
    page.next = std::move(cursor);
  }
  return page;
}

Result<std::vector<app::Contact>> SqlRelationships::ScanContacts(const app::ContactFilter& filter, ContactId after,
                                                                 int limit) {
  if (limit < 1 || limit > kScanContactsMax) {
    return InvalidArgument("a contact scan takes 1 to " + std::to_string(kScanContactsMax) + " rows per call, not " +
                           std::to_string(limit));
  }
  const std::string expression = SearchExpression(session_.dialect(), filter.search_terms);
  std::vector<SqlParam> params;
  params.reserve(11);
  AppendFilterParams(filter, params);
  if (!expression.empty()) params.push_back(std::string_view(expression));
  params.push_back(after.value());
  params.push_back(std::int64_t{limit});
  return QueryContacts(expression.empty() ? "contact_scan" : "contact_scan_search", params, nullptr);
}

Result<std::int64_t> SqlRelationships::CountContacts(const app::ContactFilter& filter) {
  const std::string expression = SearchExpression(session_.dialect(), filter.search_terms);
  std::vector<SqlParam> params;
  params.reserve(9);
  AppendFilterParams(filter, params);
  if (!expression.empty()) params.push_back(std::string_view(expression));
  return Count(session_, expression.empty() ? "contact_count" : "contact_count_search", params);
}

// ---- Contacts: writes

Status SqlRelationships::CheckExternalIds(std::span<const app::ContactRecord> contacts) {
  std::unordered_set<std::string_view> seen;
  std::vector<std::string_view> external_ids;
  for (const app::ContactRecord& record : contacts) {
    const std::string& external_id = record.profile.external_id;
    if (external_id.empty()) continue;
    if (!seen.insert(external_id).second) {
      return AlreadyExists("external id \"" + external_id + "\" is given to two contacts of the batch");
    }
    external_ids.push_back(external_id);
  }
  if (external_ids.empty()) return {};
  const std::string json = JsonStringArray(external_ids);
  const SqlParam params[] = {std::string_view(json)};
  std::optional<std::pair<std::string, std::int64_t>> clash;
  RAPPORT_RETURN_IF_ERROR(session_.Query("contact_external_id_holders", params, [&](const SqlRow& row) {
    if (!clash) clash.emplace(std::string(row.Text(0)), row.Int(1));
    return Status();
  }));
  if (clash) {
    return AlreadyExists("external id \"" + clash->first + "\" is already used by contact " +
                         std::to_string(clash->second));
  }
  return {};
}

Result<std::vector<ContactId>> SqlRelationships::InsertContacts(std::span<const app::ContactRecord> contacts,
                                                                Timestamp created_at) {
  RAPPORT_RETURN_IF_ERROR(ValidateRowCount(contacts.size()));
  if (contacts.empty()) return std::vector<ContactId>();
  for (const app::ContactRecord& record : contacts) RAPPORT_RETURN_IF_ERROR(ValidateProfile(record.profile));
  RAPPORT_RETURN_IF_ERROR(CheckExternalIds(contacts));

  std::vector<std::int64_t> ids;
  ids.reserve(contacts.size());
  {
    const SqlParam params[] = {static_cast<std::int64_t>(contacts.size())};
    RAPPORT_RETURN_IF_ERROR(session_.Query("contact_reserve_ids", params, [&](const SqlRow& row) {
      ids.push_back(row.Int(0));
      return Status();
    }));
    RAPPORT_ASSERT(ids.size() == contacts.size());
  }

  // SQLite keeps the search document in the FTS5 table, PostgreSQL in a
  // column of the row (see the header).
  const bool document_in_row = session_.dialect() == Dialect::kPostgres;
  static constexpr std::string_view kColumns[] = {"id",
                                                  "first_name",
                                                  "last_name",
                                                  "email",
                                                  "other_emails",
                                                  "phone",
                                                  "other_phones",
                                                  "address_line1",
                                                  "address_line2",
                                                  "city",
                                                  "region",
                                                  "postal_code",
                                                  "country_code",
                                                  "birthday",
                                                  "gender",
                                                  "locale",
                                                  "time_zone",
                                                  "source",
                                                  "owner_user_id",
                                                  "external_id",
                                                  "roles",
                                                  "custom_json",
                                                  "sort_name",
                                                  "company_id",
                                                  "created_at_us",
                                                  "updated_at_us",
                                                  "search_text"};
  const std::span<const std::string_view> columns(kColumns, std::size(kColumns) - (document_in_row ? 0 : 1));
  static constexpr std::string_view kSearchColumns[] = {"rowid", "doc"};
  static constexpr std::string_view kIdentityColumns[] = {"kind", "value", "contact_id"};
  static constexpr std::string_view kLinkColumns[] = {"contact_id", "company_id", "job_title", "is_primary",
                                                      "linked_at_us"};
  const std::int64_t created_at_us = ToUnixMicros(created_at);

  std::vector<SqlParam> values;
  std::vector<SqlParam> documents;
  std::vector<SqlParam> identities;
  std::vector<SqlParam> links;
  std::vector<std::string> json_arrays;  // reserved up front: views into it stay valid
  std::unordered_set<std::string_view> identity_seen;
  for (std::size_t begin = 0; begin < contacts.size(); begin += kCopyChunkRows) {
    const std::size_t end = std::min(contacts.size(), begin + kCopyChunkRows);
    values.clear();
    values.reserve((end - begin) * columns.size());
    documents.clear();
    identities.clear();
    links.clear();
    json_arrays.clear();
    json_arrays.reserve((end - begin) * 2);
    for (std::size_t i = begin; i < end; ++i) {
      const app::ContactRecord& record = contacts[i];
      const app::ContactProfile& profile = record.profile;
      const std::int64_t id = ids[i];
      const std::string_view other_emails =
          profile.other_emails.empty()
              ? std::string_view("[]")
              : std::string_view(json_arrays.emplace_back(JsonStringArray(profile.other_emails)));
      const std::string_view other_phones =
          profile.other_phones.empty()
              ? std::string_view("[]")
              : std::string_view(json_arrays.emplace_back(JsonStringArray(profile.other_phones)));
      const SqlParam company =
          record.primary_company ? SqlParam(record.primary_company->company_id.value()) : SqlParam(SqlNull{});
      values.insert(values.end(), {id,
                                   std::string_view(profile.first_name),
                                   std::string_view(profile.last_name),
                                   std::string_view(profile.email),
                                   other_emails,
                                   std::string_view(profile.phone),
                                   other_phones,
                                   std::string_view(profile.address.line1),
                                   std::string_view(profile.address.line2),
                                   std::string_view(profile.address.city),
                                   std::string_view(profile.address.region),
                                   std::string_view(profile.address.postal_code),
                                   std::string_view(profile.address.country_code),
                                   OptionalText(profile.birthday),
                                   GenderParam(profile.gender),
                                   std::string_view(profile.locale),
                                   std::string_view(profile.time_zone),
                                   std::string_view(profile.source),
                                   OptionalUser(profile.owner),
                                   TextOrNull(profile.external_id),
                                   static_cast<std::int64_t>(profile.roles),
                                   std::string_view(profile.custom_json),
                                   std::string_view(record.sort_name),
                                   company,
                                   created_at_us,
                                   created_at_us});
      if (document_in_row) {
        values.push_back(std::string_view(record.search_text));
      } else {
        documents.insert(documents.end(), {id, std::string_view(record.search_text)});
      }
      identity_seen.clear();
      for (const std::string& email : profile.other_emails) {
        if (!email.empty() && identity_seen.insert(email).second) {
          identities.insert(identities.end(), {std::string_view("email"), std::string_view(email), id});
        }
      }
      identity_seen.clear();
      for (const std::string& phone : profile.other_phones) {
        if (!phone.empty() && identity_seen.insert(phone).second) {
          identities.insert(identities.end(), {std::string_view("phone"), std::string_view(phone), id});
        }
      }
      if (record.primary_company) {
        links.insert(links.end(),
                     {id, record.primary_company->company_id.value(),
                      std::string_view(record.primary_company->job_title), std::int64_t{1}, created_at_us});
      }
    }
    RAPPORT_RETURN_IF_ERROR(session_.CopyRows("contacts", columns, values));
    if (!documents.empty()) RAPPORT_RETURN_IF_ERROR(session_.CopyRows("contact_search", kSearchColumns, documents));
    if (!identities.empty()) {
      RAPPORT_RETURN_IF_ERROR(session_.CopyRows("contact_identities", kIdentityColumns, identities));
    }
    if (!links.empty()) RAPPORT_RETURN_IF_ERROR(session_.CopyRows("contact_companies", kLinkColumns, links));
  }
  std::vector<ContactId> out;
  out.reserve(ids.size());
  for (std::int64_t id : ids) out.emplace_back(id);
  return out;
}

Status SqlRelationships::WriteIdentities(ContactId id, const app::ContactProfile& profile) {
  const SqlParam clear[] = {id.value()};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_identities_delete", clear).status());
  for (const auto& [kind, list] :
       {std::pair<std::string_view, const std::vector<std::string>*>{"email", &profile.other_emails},
        {"phone", &profile.other_phones}}) {
    for (const std::string& value : *list) {
      if (value.empty()) continue;
      const SqlParam params[] = {kind, std::string_view(value), id.value()};
      RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_identity_insert", params).status());
    }
  }
  return {};
}

Status SqlRelationships::UpdateContacts(std::span<const std::pair<ContactId, app::ContactRecord>> contacts,
                                        Timestamp updated_at) {
  RAPPORT_RETURN_IF_ERROR(ValidateRowCount(contacts.size()));
  const std::int64_t updated_at_us = ToUnixMicros(updated_at);
  for (const auto& [id, record] : contacts) {
    const app::ContactProfile& profile = record.profile;
    RAPPORT_RETURN_IF_ERROR(ValidateProfile(profile));
    const std::string other_emails = JsonStringArray(profile.other_emails);
    const std::string other_phones = JsonStringArray(profile.other_phones);
    const SqlParam params[] = {id.value(),
                               std::string_view(profile.first_name),
                               std::string_view(profile.last_name),
                               std::string_view(profile.email),
                               std::string_view(other_emails),
                               std::string_view(profile.phone),
                               std::string_view(other_phones),
                               std::string_view(profile.address.line1),
                               std::string_view(profile.address.line2),
                               std::string_view(profile.address.city),
                               std::string_view(profile.address.region),
                               std::string_view(profile.address.postal_code),
                               std::string_view(profile.address.country_code),
                               OptionalText(profile.birthday),
                               GenderParam(profile.gender),
                               std::string_view(profile.locale),
                               std::string_view(profile.time_zone),
                               std::string_view(profile.source),
                               OptionalUser(profile.owner),
                               TextOrNull(profile.external_id),
                               static_cast<std::int64_t>(profile.roles),
                               std::string_view(profile.custom_json),
                               std::string_view(record.sort_name),
                               updated_at_us};
    Result<std::int64_t> changed = session_.Execute("contact_update", params);
    if (!changed.ok() && changed.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("external id \"" + profile.external_id + "\" is already used by another contact");
    }
    RAPPORT_RETURN_IF_ERROR(RequireChanged(std::move(changed), "contact " + std::to_string(id.value())));
    const SqlParam document_id[] = {id.value()};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_search_delete", document_id).status());
    const SqlParam document[] = {id.value(), std::string_view(record.search_text)};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_search_write", document).status());
    RAPPORT_RETURN_IF_ERROR(WriteIdentities(id, profile));
  }
  return {};
}

Status SqlRelationships::SetMergedInto(ContactId id, std::optional<ContactId> survivor, Timestamp at) {
  if (survivor && *survivor == id) return InvalidArgument("a contact cannot be merged into itself");
  const SqlParam params[] = {id.value(), survivor ? SqlParam(survivor->value()) : SqlParam(SqlNull{}),
                             ToUnixMicros(at)};
  return RequireChanged(session_.Execute("contact_set_merged_into", params), "contact " + std::to_string(id.value()));
}

Status SqlRelationships::DeleteContact(ContactId id) {
  const SqlParam params[] = {id.value()};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t exists, Count(session_, "contact_exists_for_update", params));
  if (exists == 0) return NotFound("contact " + std::to_string(id.value()) + " not found");
  std::string blocking;
  RAPPORT_RETURN_IF_ERROR(session_.Query("contact_references", params, [&](const SqlRow& row) {
    if (blocking.empty() && row.Int(1) > 0) blocking = std::string(row.Text(0));
    return Status();
  }));
  if (!blocking.empty()) {
    return FailedPrecondition("contact " + std::to_string(id.value()) + " cannot be deleted: " + blocking +
                              " still refer to it");
  }
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_company_delete_all", params).status());
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_identities_delete", params).status());
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_search_delete", params).status());
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_loyalty_state_delete", params).status());
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_tier_delete", params).status());
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_referral_code_delete", params).status());
  return RequireChanged(session_.Execute("contact_delete", params), "contact " + std::to_string(id.value()));
}

// ---- Company links

Status SqlRelationships::LinkCompany(ContactId contact, const app::CompanyLink& link, Timestamp at) {
  const SqlParam contact_param[] = {contact.value()};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t contact_exists, Count(session_, "contact_exists_for_update", contact_param));
  if (contact_exists == 0) return NotFound("contact " + std::to_string(contact.value()) + " not found");
  const SqlParam company_param[] = {link.company_id.value()};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t company_exists, Count(session_, "company_exists", company_param));
  if (company_exists == 0) return NotFound("company " + std::to_string(link.company_id.value()) + " not found");
  const SqlParam pair[] = {contact.value(), link.company_id.value()};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t others, Count(session_, "contact_company_count", pair));
  if (others >= static_cast<std::int64_t>(limits::kCompaniesPerContactMax)) {
    return ResourceExhausted("contact " + std::to_string(contact.value()) + " is linked to " + std::to_string(others) +
                             " companies, the limit");
  }
  if (link.primary) RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_company_clear_primary", pair).status());
  const SqlParam upsert[] = {contact.value(), link.company_id.value(), std::string_view(link.job_title),
                             std::int64_t{link.primary ? 1 : 0}, ToUnixMicros(at)};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("contact_company_upsert", upsert).status());
  return session_.Execute("contact_sync_primary_company", contact_param).status();
}

Status SqlRelationships::UnlinkCompany(ContactId contact, CompanyId company) {
  const SqlParam pair[] = {contact.value(), company.value()};
  RAPPORT_RETURN_IF_ERROR(RequireChanged(
      session_.Execute("contact_company_delete", pair),
      "link of contact " + std::to_string(contact.value()) + " to company " + std::to_string(company.value())));
  const SqlParam contact_param[] = {contact.value()};
  return session_.Execute("contact_sync_primary_company", contact_param).status();
}

// ---- Companies

Result<CompanyId> SqlRelationships::InsertCompany(const app::CompanyProfile& company, Timestamp created_at) {
  const std::string search_name = domain::FoldForSearch(company.name);
  const SqlParam params[] = {std::string_view(company.name),
                             std::string_view(company.country_code),
                             std::string_view(company.website),
                             std::string_view(company.email),
                             std::string_view(company.phone),
                             std::string_view(company.address.line1),
                             std::string_view(company.address.line2),
                             std::string_view(company.address.city),
                             std::string_view(company.address.region),
                             std::string_view(company.address.postal_code),
                             static_cast<std::int64_t>(company.roles),
                             OptionalUser(company.owner),
                             TextOrNull(company.external_id),
                             std::string_view(company.custom_json),
                             std::string_view(search_name),
                             ToUnixMicros(created_at)};
  std::optional<CompanyId> id;
  const Status status = session_.Query("company_insert", params, [&](const SqlRow& row) {
    id = CompanyId(row.Int(0));
    return Status();
  });
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("company external id \"" + company.external_id + "\" is already used");
  }
  RAPPORT_RETURN_IF_ERROR(status);
  RAPPORT_ASSERT(id.has_value());
  return *id;
}

Status SqlRelationships::UpdateCompany(CompanyId id, const app::CompanyProfile& company, Timestamp updated_at) {
  const std::string search_name = domain::FoldForSearch(company.name);
  const SqlParam params[] = {id.value(),
                             std::string_view(company.name),
                             std::string_view(company.country_code),
                             std::string_view(company.website),
                             std::string_view(company.email),
                             std::string_view(company.phone),
                             std::string_view(company.address.line1),
                             std::string_view(company.address.line2),
                             std::string_view(company.address.city),
                             std::string_view(company.address.region),
                             std::string_view(company.address.postal_code),
                             static_cast<std::int64_t>(company.roles),
                             OptionalUser(company.owner),
                             TextOrNull(company.external_id),
                             std::string_view(company.custom_json),
                             std::string_view(search_name),
                             ToUnixMicros(updated_at)};
  Result<std::int64_t> changed = session_.Execute("company_update", params);
  if (!changed.ok() && changed.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("company external id \"" + company.external_id + "\" is already used");
  }
  return RequireChanged(std::move(changed), "company " + std::to_string(id.value()));
}

Result<std::optional<app::Company>> SqlRelationships::GetCompany(CompanyId id) {
  const SqlParam params[] = {id.value()};
  std::optional<app::Company> company;
  RAPPORT_RETURN_IF_ERROR(session_.Query("company_get", params, [&](const SqlRow& row) {
    company = CompanyFromRow(row, nullptr);
    return Status();
  }));
  return company;
}

Result<std::optional<CompanyId>> SqlRelationships::FindCompanyByName(std::string_view name) {
  if (name.empty()) return std::optional<CompanyId>();
  const SqlParam params[] = {name};
  RAPPORT_ASSIGN_OR_RETURN(std::optional<CompanyId> id,
                           OptionalId<CompanyId>(session_, "company_find_by_name", params));
  if (id) return id;
  // SQLite's lower() folds ASCII only: "ООО Ромашка" and "ооо ромашка" meet
  // on the folded name instead.
  const std::string folded = domain::FoldForSearch(name);
  if (folded.empty()) return std::optional<CompanyId>();
  const SqlParam folded_params[] = {std::string_view(folded)};
  return OptionalId<CompanyId>(session_, "company_find_by_search_name", folded_params);
}

Result<std::optional<CompanyId>> SqlRelationships::FindCompanyByExternalId(std::string_view external_id) {
  if (external_id.empty()) return std::optional<CompanyId>();
  const SqlParam params[] = {external_id};
  return OptionalId<CompanyId>(session_, "company_find_by_external_id", params);
}

Result<app::CompanyPage> SqlRelationships::ListCompanies(const app::CompanyQuery& query) {
  const int limit = ClampPageSize(query.limit);
  std::vector<SqlParam> params;
  params.reserve(12);
  params.push_back(query.role ? static_cast<std::int64_t>(domain::RoleBit(*query.role)) : std::int64_t{0});
  params.push_back(query.after ? std::string_view(query.after_name) : std::string_view());
  params.push_back(query.after ? query.after->value() : std::int64_t{0});
  std::size_t terms = 0;
  for (const std::string& term : query.search_terms) {
    if (term.empty() || terms == limits::kSearchTermsMax) continue;
    params.push_back(std::string_view(term));
    ++terms;
  }
  for (; terms < limits::kSearchTermsMax; ++terms) params.push_back(std::string_view());
  params.push_back(std::int64_t{limit});
  app::CompanyPage page;
  std::string last_search_name;
  RAPPORT_RETURN_IF_ERROR(session_.Query("company_list", params, [&](const SqlRow& row) {
    page.items.push_back(CompanyFromRow(row, &last_search_name));
    return Status();
  }));
  if (static_cast<int>(page.items.size()) == limit) {
    page.next = page.items.back().id;
    page.next_name = std::move(last_search_name);
  }
  return page;
}

// ---- Custom fields

Result<std::vector<app::CustomFieldDefinition>> SqlRelationships::ListCustomFields() {
  std::vector<app::CustomFieldDefinition> fields;
  RAPPORT_RETURN_IF_ERROR(session_.Query("custom_field_list", {}, [&](const SqlRow& row) -> Status {
    app::CustomFieldDefinition field;
    field.id = CustomFieldId(row.Int(0));
    field.key = std::string(row.Text(1));
    field.label = std::string(row.Text(2));
    const std::optional<domain::CustomFieldType> type = domain::ParseCustomFieldType(row.Text(3));
    if (!type) {
      return DataLoss("custom field " + field.key + " has the unknown type '" + std::string(row.Text(3)) + "'");
    }
    field.type = *type;
    RAPPORT_ASSIGN_OR_RETURN(field.choices, StringArrayColumn(row, 4, "custom_fields.choices_json"));
    field.required = row.Int(5) != 0;
    field.applies_to = std::string(row.Text(6));
    field.created_at = FromUnixMicros(row.Int(7));
    fields.push_back(std::move(field));
    return Status();
  }));
  return fields;
}

Result<CustomFieldId> SqlRelationships::InsertCustomField(const app::CustomFieldDefinition& field) {
  if (field.applies_to != "contact" && field.applies_to != "company") {
    return InvalidArgument("a custom field applies to \"contact\" or \"company\", not \"" + field.applies_to + "\"");
  }
  if (field.choices.size() > limits::kCustomChoicesMax) {
    return InvalidArgument("a custom field has at most " + std::to_string(limits::kCustomChoicesMax) + " choices");
  }
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t existing, Count(session_, "custom_field_count", {}));
  if (existing >= static_cast<std::int64_t>(limits::kCustomFieldsMax)) {
    return ResourceExhausted("there are already " + std::to_string(existing) + " custom fields, the limit");
  }
  const std::string choices = JsonStringArray(field.choices);
  const SqlParam params[] = {
      std::string_view(field.key),   std::string_view(field.label),        domain::CustomFieldTypeName(field.type),
      std::string_view(choices),     std::int64_t{field.required ? 1 : 0}, std::string_view(field.applies_to),
      ToUnixMicros(field.created_at)};
  std::optional<CustomFieldId> id;
  const Status status = session_.Query("custom_field_insert", params, [&](const SqlRow& row) {
    id = CustomFieldId(row.Int(0));
    return Status();
  });
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("custom field key \"" + field.key + "\" is already in use");
  }
  RAPPORT_RETURN_IF_ERROR(status);
  RAPPORT_ASSERT(id.has_value());
  return *id;
}

Status SqlRelationships::UpdateCustomField(const app::CustomFieldDefinition& field) {
  if (field.choices.size() > limits::kCustomChoicesMax) {
    return InvalidArgument("a custom field has at most " + std::to_string(limits::kCustomChoicesMax) + " choices");
  }
  const std::string choices = JsonStringArray(field.choices);
  const SqlParam params[] = {field.id.value(), std::string_view(field.label), std::string_view(choices),
                             std::int64_t{field.required ? 1 : 0}};
  return RequireChanged(session_.Execute("custom_field_update", params),
                        "custom field " + std::to_string(field.id.value()));
}

// ---- Duplicates

Result<DuplicateId> SqlRelationships::UpsertDuplicate(const app::DuplicateCandidate& candidate) {
  if (!(candidate.first < candidate.second)) {
    return InvalidArgument("a duplicate pair names the lower contact id first");
  }
  const std::string rules = JoinRules(candidate.rules);
  const SqlParam params[] = {candidate.first.value(), candidate.second.value(), std::int64_t{candidate.score},
                             std::string_view(rules), ToUnixMicros(candidate.found_at)};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("duplicate_upsert", params).status());
  const SqlParam pair[] = {candidate.first.value(), candidate.second.value()};
  RAPPORT_ASSIGN_OR_RETURN(std::optional<DuplicateId> id,
                           OptionalId<DuplicateId>(session_, "duplicate_id_of_pair", pair));
  RAPPORT_ASSERT(id.has_value());
  return *id;
}

Status SqlRelationships::DecideDuplicate(DuplicateId id, app::DuplicateStatus status, Timestamp at) {
  const SqlParam params[] = {id.value(), app::DuplicateStatusName(status), ToUnixMicros(at)};
  return RequireChanged(session_.Execute("duplicate_decide", params),
                        "duplicate candidate " + std::to_string(id.value()));
}

Result<std::optional<app::DuplicateCandidate>> SqlRelationships::GetDuplicate(DuplicateId id) {
  const SqlParam params[] = {id.value()};
  std::optional<app::DuplicateCandidate> candidate;
  RAPPORT_RETURN_IF_ERROR(session_.Query("duplicate_get", params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(candidate, DuplicateFromRow(row));
    return Status();
  }));
  return candidate;
}

Result<std::vector<app::DuplicateCandidate>> SqlRelationships::ListDuplicates(
    app::DuplicateStatus status, std::optional<std::pair<int, DuplicateId>> after, int limit) {
  const SqlParam params[] = {app::DuplicateStatusName(status), after ? std::int64_t{after->first} : kInt64Max,
                             after ? after->second.value() : std::int64_t{0}, std::int64_t{ClampPageSize(limit)}};
  std::vector<app::DuplicateCandidate> candidates;
  RAPPORT_RETURN_IF_ERROR(session_.Query("duplicate_list", params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::DuplicateCandidate candidate, DuplicateFromRow(row));
    candidates.push_back(std::move(candidate));
    return Status();
  }));
  return candidates;
}

Status SqlRelationships::FillProbeCompanies(std::vector<app::DuplicateProbe>& probes) {
  if (probes.empty()) return {};
  std::vector<std::int64_t> ids;
  std::unordered_map<std::int64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    ids.push_back(probes[i].id.value());
    index_of.emplace(probes[i].id.value(), i);
  }
  const std::string json = JsonIntArray(ids);
  const SqlParam params[] = {std::string_view(json)};
  return session_.Query("contact_company_ids_of", params, [&](const SqlRow& row) {
    const auto found = index_of.find(row.Int(0));
    if (found != index_of.end()) probes[found->second].company_ids.push_back(row.Int(1));
    return Status();
  });
}

Result<std::vector<app::DuplicateProbe>> SqlRelationships::QueryProbes(std::string_view query_name,
                                                                       std::span<const SqlParam> params) {
  std::vector<app::DuplicateProbe> probes;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::DuplicateProbe probe, ProbeFromRow(row));
    probes.push_back(std::move(probe));
    return Status();
  }));
  RAPPORT_RETURN_IF_ERROR(FillProbeCompanies(probes));
  return probes;
}

Result<std::vector<app::DuplicateProbe>> SqlRelationships::DuplicateNeighbours(const app::DuplicateProbe& self,
                                                                               int limit) {
  std::vector<std::string_view> emails;
  for (const std::string& email : self.emails) {
    if (!email.empty()) emails.push_back(email);
  }
  std::vector<std::string_view> phones;
  for (const std::string& phone : self.phones) {
    if (!phone.empty()) phones.push_back(phone);
  }
  const std::string emails_json = JsonStringArray(emails);
  const std::string phones_json = JsonStringArray(phones);
  const std::string companies_json = JsonIntArray(self.company_ids);
  const std::string_view prefix = CodePointPrefix(self.sort_name, kNeighbourPrefixCodePoints);
  const std::string prefix_end = std::string(prefix) + std::string(kMaxCodePoint);
  const SqlParam params[] = {self.id.value(),
                             std::string_view(emails_json),
                             std::string_view(phones_json),
                             prefix,
                             std::string_view(prefix_end),
                             std::string_view(companies_json),
                             OptionalText(self.birthday),
                             std::int64_t{ClampPageSize(limit)}};
  return QueryProbes("duplicate_neighbours", params);
}

Result<std::vector<app::DuplicateProbe>> SqlRelationships::ScanProbes(ContactId after, int limit) {
  if (limit < 1 || limit > kScanContactsMax) {
    return InvalidArgument("a probe scan takes 1 to " + std::to_string(kScanContactsMax) + " rows per call, not " +
                           std::to_string(limit));
  }
  const SqlParam params[] = {after.value(), std::int64_t{limit}};
  return QueryProbes("duplicate_probes_after", params);
}

// ---- Import mappings

Result<std::optional<app::ImportMapping>> SqlRelationships::GetImportMapping(std::string_view name) {
  const SqlParam params[] = {name};
  std::optional<app::ImportMapping> mapping;
  RAPPORT_RETURN_IF_ERROR(session_.Query("import_mapping_get", params, [&](const SqlRow& row) {
    mapping = app::ImportMapping{ImportMappingId(row.Int(0)), std::string(row.Text(1)), std::string(row.Text(2)),
                                 FromUnixMicros(row.Int(3))};
    return Status();
  }));
  return mapping;
}

Result<std::vector<app::ImportMapping>> SqlRelationships::ListImportMappings() {
  std::vector<app::ImportMapping> mappings;
  RAPPORT_RETURN_IF_ERROR(session_.Query("import_mapping_list", {}, [&](const SqlRow& row) {
    mappings.push_back(app::ImportMapping{ImportMappingId(row.Int(0)), std::string(row.Text(1)),
                                          std::string(row.Text(2)), FromUnixMicros(row.Int(3))});
    return Status();
  }));
  return mappings;
}

Result<ImportMappingId> SqlRelationships::SaveImportMapping(std::string_view name, std::string_view mapping_json,
                                                            Timestamp at) {
  if (name.empty() || name.size() > limits::kNameBytesMax) {
    return InvalidArgument("an import mapping name has 1 to " + std::to_string(limits::kNameBytesMax) + " bytes");
  }
  const SqlParam params[] = {name, mapping_json, ToUnixMicros(at)};
  std::optional<ImportMappingId> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("import_mapping_save", params, [&](const SqlRow& row) {
    id = ImportMappingId(row.Int(0));
    return Status();
  }));
  RAPPORT_ASSERT(id.has_value());
  return *id;
}

Status SqlRelationships::DeleteImportMapping(std::string_view name) {
  const SqlParam params[] = {name};
  return RequireChanged(session_.Execute("import_mapping_delete", params),
                        "import mapping \"" + std::string(name) + "\"");
}

}  // namespace rapport::store
