#include "rapport/app/demo_data.h"

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "rapport/app/contact_input.h"
#include "rapport/base/limits.h"

namespace rapport::app {
namespace {

using namespace std::chrono_literals;

constexpr Microseconds kDay = 24h;
constexpr int kPurchaseWindowDays = 730;

struct Locale {
  std::string_view code;
  std::span<const std::string_view> male_first;
  std::span<const std::string_view> female_first;
  std::span<const std::string_view> last;
  std::span<const std::string_view> mail_domains;
};

constexpr std::string_view kEnglishMale[] = {"James",  "John",   "Robert",  "Michael", "William", "David",   "Richard",
                                             "Joseph", "Thomas", "Charles", "Daniel",  "Matthew", "Anthony", "Mark",
                                             "Oliver", "George", "Harry",   "Jack",    "Noah",    "Leo"};
constexpr std::string_view kEnglishFemale[] = {
    "Mary",  "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
    "Emily", "Olivia",   "Amelia",   "Isla",  "Ava",       "Sophie",  "Grace", "Chloé",   "Zoë",   "Renée"};
constexpr std::string_view kEnglishLast[] = {
    "Smith",    "Johnson", "Williams", "Brown",  "Jones",   "Garcia", "Miller", "Davis",  "Wilson", "Taylor",
    "Anderson", "Thomas",  "Moore",    "Martin", "Jackson", "White",  "Harris", "Clark",  "Lewis",  "Walker",
    "Hall",     "Young",   "King",     "Wright", "Scott",   "Green",  "Baker",  "O'Neill"};
constexpr std::string_view kEnglishDomains[] = {"gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"};

constexpr std::string_view kRussianMale[] = {"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим",
                                             "Евгений",   "Иван",   "Михаил",  "Артём",  "Николай", "Владимир",
                                             "Павел",     "Роман",  "Олег",    "Юрий",   "Фёдор",   "Григорий"};
constexpr std::string_view kRussianFemale[] = {"Анна",   "Мария",     "Елена",    "Ольга",  "Наталья",   "Татьяна",
                                               "Ирина",  "Екатерина", "Светлана", "Юлия",   "Анастасия", "Дарья",
                                               "Ксения", "Алёна",     "Вера",     "Любовь", "Полина",    "Софья"};
// Surnames in their masculine form; FeminineSurname derives the feminine one.
constexpr std::string_view kRussianLast[] = {"Иванов",   "Смирнов",  "Кузнецов", "Попов",   "Васильев", "Петров",
                                             "Соколов",  "Михайлов", "Новиков",  "Фёдоров", "Морозов",  "Волков",
                                             "Алексеев", "Лебедев",  "Семёнов",  "Егоров",  "Павлов",   "Козлов",
                                             "Степанов", "Николаев", "Орлов",    "Андреев", "Макаров",  "Никитин"};
constexpr std::string_view kRussianDomains[] = {"yandex.ru", "mail.ru", "gmail.com", "rambler.ru", "bk.ru"};

constexpr Locale kEnglish{"en", kEnglishMale, kEnglishFemale, kEnglishLast, kEnglishDomains};
constexpr Locale kRussian{"ru", kRussianMale, kRussianFemale, kRussianLast, kRussianDomains};

struct Region {
  std::string_view time_zone;
  std::string_view currency;
  std::string_view country_code;
  std::string_view phone_prefix;  // country calling code with '+'
  int subscriber_digits;
};

constexpr Region kRussianRegions[] = {
    {"Europe/Moscow", "RUB", "RU", "+79", 9},      {"Europe/Moscow", "RUB", "RU", "+79", 9},
    {"Europe/Moscow", "RUB", "RU", "+79", 9},      {"Europe/Samara", "RUB", "RU", "+79", 9},
    {"Asia/Yekaterinburg", "RUB", "RU", "+79", 9}, {"Asia/Novosibirsk", "RUB", "RU", "+79", 9}};
constexpr Region kEnglishRegions[] = {{"Europe/London", "GBP", "GB", "+447", 9},
                                      {"America/New_York", "USD", "US", "+1212", 7},
                                      {"America/Chicago", "USD", "US", "+1312", 7},
                                      {"America/Los_Angeles", "USD", "US", "+1415", 7},
                                      {"Europe/Dublin", "EUR", "IE", "+3538", 8}};

constexpr std::string_view kCompanyStems[] = {"Северный", "Альфа",  "Вектор", "Polar",  "Summit",  "Harbor",
                                              "Меридиан", "Bright", "Atlas",  "Восток", "Granite", "Orion",
                                              "Сфера",    "Cedar",  "Nova",   "Кедр",   "Pioneer", "Ладога"};
constexpr std::string_view kCompanySuffixes[] = {"Logistics", "Trading", "Systems", "Foods",      "Retail", "Partners",
                                                 "Торг",      "Снаб",    "Групп",   "Технологии", "Labs",   "Holdings"};
constexpr std::string_view kChannels[] = {"web",   "web",   "web",   "web",   "web",
                                          "store", "store", "store", "store", "phone"};

// Latin transliteration of Cyrillic (ICAO 9303 style) for e-mail local parts.
std::string Transliterate(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kTable[] = {
      {"а", "a"},  {"б", "b"},  {"в", "v"},    {"г", "g"},    {"д", "d"}, {"е", "e"},  {"ё", "e"},  {"ж", "zh"},
      {"з", "z"},  {"и", "i"},  {"й", "i"},    {"к", "k"},    {"л", "l"}, {"м", "m"},  {"н", "n"},  {"о", "o"},
      {"п", "p"},  {"р", "r"},  {"с", "s"},    {"т", "t"},    {"у", "u"}, {"ф", "f"},  {"х", "kh"}, {"ц", "ts"},
      {"ч", "ch"}, {"ш", "sh"}, {"щ", "shch"}, {"ъ", "ie"},   {"ы", "y"}, {"ь", ""},   {"э", "e"},  {"ю", "iu"},
      {"я", "ia"}, {"А", "a"},  {"Б", "b"},    {"В", "v"},    {"Г", "g"}, {"Д", "d"},  {"Е", "e"},  {"Ё", "e"},
      {"Ж", "zh"}, {"З", "z"},  {"И", "i"},    {"Й", "i"},    {"К", "k"}, {"Л", "l"},  {"М", "m"},  {"Н", "n"},
      {"О", "o"},  {"П", "p"},  {"Р", "r"},    {"С", "s"},    {"Т", "t"}, {"У", "u"},  {"Ф", "f"},  {"Х", "kh"},
      {"Ц", "ts"}, {"Ч", "ch"}, {"Ш", "sh"},   {"Щ", "shch"}, {"Э", "e"}, {"Ю", "iu"}, {"Я", "ia"}, {"é", "e"},
      {"ë", "e"},  {"É", "e"},
  };
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) {
    bool replaced = false;
    for (const auto& [from, to] : kTable) {
      if (text.substr(position, from.size()) == from) {
        out += to;
        position += from.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    const char c = text[position++];
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    }  // apostrophes and anything else are dropped
  }
  return out;
}

std::string FeminineSurname(std::string_view masculine) {
  // -ов/-ев/-ёв/-ин take a final -а; the tables hold no other endings.
  return std::string(masculine) + "а";
}

template <typename T, std::size_t N>
const T& Pick(Random& random, const T (&items)[N]) {
  return items[static_cast<std::size_t>(random.Between(0, N - 1))];
}

std::string_view Pick(Random& random, std::span<const std::string_view> items) {
  return items[static_cast<std::size_t>(random.Between(0, static_cast<std::int64_t>(items.size()) - 1))];
}

std::string Digits(Random& random, int count) {
  std::string digits;
  for (int i = 0; i < count; ++i) digits += static_cast<char>('0' + random.Between(i == 0 ? 1 : 0, 9));
  return digits;
}

double StandardNormal(Random& random) {
  // Box–Muller; 1 − Unit() lies in (0, 1] so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - random.Unit()));
  return radius * std::cos(2.0 * M_PI * random.Unit());
}

// What purchase generation needs to remember of each contact.
struct ContactSketch {
  ContactId id;
  std::int64_t created_at_us;
  float purchase_weight;
  std::uint8_t region_index;  // into kRussianRegions then kEnglishRegions
};

const Region& RegionAt(std::uint8_t index) {
  return index < std::size(kRussianRegions) ? kRussianRegions[index]
                                            : kEnglishRegions[index - std::size(kRussianRegions)];
}

// A demo company as contacts refer to it.
struct CompanySketch {
  CompanyId id;
  std::string name;
};

ContactRecord MakeContact(Random& random, std::int64_t ordinal, const DemoOptions& options,
                          std::span<const CompanySketch> companies, std::uint8_t& region_index) {
  const bool russian = random.Chance(0.5);
  const Locale& locale = russian ? kRussian : kEnglish;
  const bool female = random.Chance(0.52);
  ContactProfile contact = NewContactProfile();
  contact.first_name = std::string(Pick(random, female ? locale.female_first : locale.male_first));
  const std::string_view surname = Pick(random, locale.last);
  contact.last_name = russian && female ? FeminineSurname(surname) : std::string(surname);
  contact.email = Transliterate(contact.first_name) + "." + Transliterate(contact.last_name) + std::to_string(ordinal) +
                  "@" + std::string(Pick(random, locale.mail_domains));
  region_index =
      russian
          ? static_cast<std::uint8_t>(random.Between(0, std::size(kRussianRegions) - 1))
          : static_cast<std::uint8_t>(std::size(kRussianRegions) + random.Between(0, std::size(kEnglishRegions) - 1));
  const Region& region = RegionAt(region_index);
  if (random.Chance(0.8)) contact.phone = std::string(region.phone_prefix) + Digits(random, region.subscriber_digits);
  if (random.Chance(0.85)) {
    const auto today = std::chrono::floor<std::chrono::days>(options.now);
    const auto birthday = std::chrono::year_month_day(
        today - std::chrono::days(random.Between(std::int64_t{18} * 365, std::int64_t{80} * 365)));
    char text[16];
    (void)std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(birthday.year()),
                        static_cast<unsigned>(birthday.month()), static_cast<unsigned>(birthday.day()));
    contact.birthday = text;
  }
  contact.gender = female ? domain::Gender::kFemale : domain::Gender::kMale;
  contact.locale = std::string(locale.code);
  contact.time_zone = std::string(region.time_zone);
  contact.source = "demo";
  const CompanySketch* company = nullptr;
  if (!companies.empty() && random.Chance(0.35)) {
    company = &companies[static_cast<std::size_t>(random.Between(0, std::ssize(companies) - 1))];
  }
  ContactRecord record = company != nullptr ? MakeContactRecord(std::move(contact), {company->name})
                                            : MakeContactRecord(std::move(contact), {});
  if (company != nullptr) record.primary_company = CompanyLink{.company_id = company->id, .primary = true};
  record.created_at = options.now - kDay * random.Between(1, std::int64_t{3} * 365);
  return record;
}

NewPurchase MakePurchase(Random& random, const ContactSketch& contact, const DemoOptions& options,
                         std::int64_t ordinal) {
  const Region& region = RegionAt(contact.region_index);
  const std::int64_t window_start_us = ToUnixMicros(options.now - kDay * kPurchaseWindowDays);
  const std::int64_t first_us = std::max(window_start_us, contact.created_at_us);
  const std::int64_t last_us = ToUnixMicros(options.now) - 1;
  NewPurchase purchase;
  purchase.contact_id = contact.id;
  // Basket values are log-normal: a median of 2 500 RUB or 40 in other currencies.
  const double median_major = region.currency == "RUB" ? 2'500.0 : 40.0;
  const double major = median_major * std::exp(0.8 * StandardNormal(random));
  purchase.total_minor = std::max<std::int64_t>(100, std::llround(major * 100.0));
  purchase.currency = std::string(region.currency);
  purchase.channel = std::string(Pick(random, kChannels));
  purchase.occurred_at = FromUnixMicros(random.Between(std::min(first_us, last_us), last_us));
  purchase.external_id = "DEMO-" + std::to_string(options.seed) + "-" + std::to_string(ordinal);
  return purchase;
}

template <typename Row, typename Id>
Result<std::vector<Id>> WriteBatch(Store& store, std::vector<Row>& rows,
                                   Result<std::vector<Id>> (DirectoryWriter::*insert)(std::span<const Row>)) {
  std::vector<Id> ids;
  RAPPORT_RETURN_IF_ERROR(store.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(ids, (transaction.DirectoryOut().*insert)(rows));
    return Status::Ok();
  }));
  rows.clear();
  return ids;
}

Result<std::vector<ContactId>> WriteContacts(Store& store, std::vector<ContactRecord>& rows, Timestamp now) {
  std::vector<ContactId> ids;
  RAPPORT_RETURN_IF_ERROR(store.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(ids, transaction.RelationshipsOut().InsertContacts(rows, now));
    return Status::Ok();
  }));
  rows.clear();
  return ids;
}

}  // namespace

Status ValidateDemoOptions(const DemoOptions& options) {
  if (options.contacts < 1 || options.contacts > limits::kDemoContactsMax) {
    return InvalidArgument("contacts must be between 1 and " + std::to_string(limits::kDemoContactsMax));
  }
  if (options.purchases < 0 || options.purchases > limits::kDemoPurchasesMax) {
    return InvalidArgument("purchases must be between 0 and " + std::to_string(limits::kDemoPurchasesMax));
  }
  if (options.batch_rows < 1 || options.batch_rows > static_cast<std::int64_t>(limits::kBulkRowsPerTransactionMax)) {
    return InvalidArgument("batch_rows must be between 1 and " + std::to_string(limits::kBulkRowsPerTransactionMax));
  }
  return Status::Ok();
}

Result<DemoSummary> GenerateDemoData(Store& store, const DemoOptions& options, const DemoProgress& progress) {
  RAPPORT_RETURN_IF_ERROR(ValidateDemoOptions(options));
  SeededRandom random(options.seed);
  DemoSummary summary;
  const auto batch_rows = static_cast<std::size_t>(options.batch_rows);

  // Companies: about one per 25 contacts.
  const std::int64_t company_total = std::max<std::int64_t>(1, options.contacts / 25);
  std::vector<CompanySketch> companies;
  companies.reserve(static_cast<std::size_t>(company_total));
  std::vector<NewCompany> company_rows;
  std::vector<std::string> names;  // of the companies in company_rows
  for (std::int64_t ordinal = 1; ordinal <= company_total; ++ordinal) {
    const bool russian = random.Chance(0.5);
    NewCompany company;
    company.name = std::string(Pick(random, kCompanyStems)) + " " + std::string(Pick(random, kCompanySuffixes));
    if (ordinal > static_cast<std::int64_t>(std::size(kCompanyStems) * std::size(kCompanySuffixes))) {
      company.name += " " + std::to_string(ordinal);  // keep names distinguishable in large sets
    }
    company.country_code = russian ? "RU" : std::string(Pick(random, kEnglishRegions).country_code);
    company.created_at = options.now - kDay * random.Between(30, std::int64_t{5} * 365);
    names.push_back(company.name);
    company_rows.push_back(std::move(company));
    if (company_rows.size() == batch_rows || ordinal == company_total) {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<CompanyId> ids,
                               WriteBatch(store, company_rows, &DirectoryWriter::InsertCompanies));
      for (std::size_t i = 0; i < ids.size(); ++i) {
        companies.push_back(CompanySketch{.id = ids[i], .name = std::move(names[i])});
      }
      names.clear();
      if (progress) progress("companies", static_cast<std::int64_t>(companies.size()), company_total);
    }
  }
  summary.companies = static_cast<std::int64_t>(companies.size());

  // Contacts, remembering what purchase generation needs. Purchase weights are
  // Pareto-distributed (shape 1.5): a long tail of frequent buyers.
  std::vector<ContactSketch> sketches;
  sketches.reserve(static_cast<std::size_t>(options.contacts));
  std::vector<ContactRecord> contact_rows;
  std::vector<ContactSketch> pending;
  double weight_total = 0;
  for (std::int64_t ordinal = 1; ordinal <= options.contacts; ++ordinal) {
    ContactSketch sketch{};
    ContactRecord contact = MakeContact(random, ordinal, options, companies, sketch.region_index);
    sketch.created_at_us = ToUnixMicros(*contact.created_at);
    sketch.purchase_weight = static_cast<float>(std::pow(1.0 - random.Unit(), -1.0 / 1.5));
    weight_total += sketch.purchase_weight;
    pending.push_back(sketch);
    contact_rows.push_back(std::move(contact));
    if (contact_rows.size() == batch_rows || ordinal == options.contacts) {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<ContactId> ids, WriteContacts(store, contact_rows, options.now));
      RAPPORT_ASSERT(ids.size() == pending.size());
      for (std::size_t i = 0; i < ids.size(); ++i) {
        pending[i].id = ids[i];
        sketches.push_back(pending[i]);
      }
      pending.clear();
      if (progress) progress("contacts", static_cast<std::int64_t>(sketches.size()), options.contacts);
    }
  }
  summary.contacts = static_cast<std::int64_t>(sketches.size());

  // Purchases: each contact gets its share of the total by systematic rounding
  // of the cumulative weight, so the counts add up to exactly options.purchases.
  std::vector<NewPurchase> purchase_rows;
  double cumulative = 0;
  std::int64_t assigned = 0;
  for (std::size_t index = 0; index < sketches.size(); ++index) {
    cumulative += sketches[index].purchase_weight;
    const std::int64_t target =
        index + 1 == sketches.size()
            ? options.purchases
            : std::min(options.purchases, static_cast<std::int64_t>(std::floor(
                                              cumulative / weight_total * static_cast<double>(options.purchases))));
    for (; assigned < target; ++assigned) {
      purchase_rows.push_back(MakePurchase(random, sketches[index], options, assigned + 1));
      if (purchase_rows.size() == batch_rows) {
        RAPPORT_ASSIGN_OR_RETURN(std::vector<PurchaseId> ids,
                                 WriteBatch(store, purchase_rows, &DirectoryWriter::InsertPurchases));
        summary.purchases += static_cast<std::int64_t>(ids.size());
        if (progress) progress("purchases", summary.purchases, options.purchases);
      }
    }
  }
  if (!purchase_rows.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<PurchaseId> ids,
                             WriteBatch(store, purchase_rows, &DirectoryWriter::InsertPurchases));
    summary.purchases += static_cast<std::int64_t>(ids.size());
    if (progress) progress("purchases", summary.purchases, options.purchases);
  }

  // One event records the generation itself, so the data set's origin is on the log.
  NewEvent event{.kind = "demo_data_generated",
                 .subject_type = "system",
                 .subject_id = 0,
                 .occurred_at = options.now,
                 .actor = "cli",
                 .payload_json = "{\"seed\":" + std::to_string(options.seed) +
                                 ",\"companies\":" + std::to_string(summary.companies) +
                                 ",\"contacts\":" + std::to_string(summary.contacts) +
                                 ",\"purchases\":" + std::to_string(summary.purchases) + "}"};
  RAPPORT_RETURN_IF_ERROR(store.Write(
      [&](WriteTransaction& transaction) -> Status { return transaction.EventsOut().Append(event).status(); }));
  return summary;
}

}  // namespace rapport::app
