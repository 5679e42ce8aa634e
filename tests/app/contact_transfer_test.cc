// Contact import and export against a real SQLite store: creates, updates and
// unchanged rows, re-runs that create nothing, dry runs and all-or-nothing
// imports that write nothing, per-batch commits that keep good batches,
// companies created and linked, wrong encodings refused, exports that import
// back unchanged, and a 200k-row file read in bounded memory.
#include "rapport/app/contact_transfer.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include "rapport/app/access_service.h"
#include "rapport/store/open_store.h"

namespace rapport {
namespace {

namespace fs = std::filesystem;

const Timestamp kNow = ParseRfc3339("2026-11-24T10:00:00Z").value();

class StringSource : public app::ByteSource {
 public:
  explicit StringSource(std::string text) : text_(std::move(text)) {}
  Result<std::size_t> Read(std::span<char> buffer) override {
    const std::size_t size = std::min(buffer.size(), text_.size() - position_);
    std::memcpy(buffer.data(), text_.data() + position_, size);
    position_ += size;
    return size;
  }
  std::optional<std::uint64_t> Size() const override { return text_.size(); }
  Status Rewind() override {
    position_ = 0;
    return Status();
  }

 private:
  std::string text_;
  std::size_t position_ = 0;
};

// Generates "email,first_name,last_name,phone" rows on the fly: the file is
// never held in memory, as a 2 GB file would not be.
class GeneratedSource : public app::ByteSource {
 public:
  explicit GeneratedSource(std::int64_t rows) : rows_(rows) { pending_ = "email,first_name,last_name,phone\n"; }
  Result<std::size_t> Read(std::span<char> buffer) override {
    while (pending_.size() - offset_ < buffer.size() && next_ < rows_) {
      pending_.erase(0, offset_);
      offset_ = 0;
      for (int i = 0; i < 256 && next_ < rows_; ++i, ++next_) {
        pending_ += "user" + std::to_string(next_) + "@example.com,Имя" + std::to_string(next_) + ",Фамилия,+7916" +
                    std::to_string(1000000 + next_) + "\n";
      }
    }
    const std::size_t size = std::min(buffer.size(), pending_.size() - offset_);
    std::memcpy(buffer.data(), pending_.data() + offset_, size);
    offset_ += size;
    return size;
  }
  std::optional<std::uint64_t> Size() const override { return std::nullopt; }

 private:
  std::int64_t rows_;
  std::int64_t next_ = 0;
  std::string pending_;
  std::size_t offset_ = 0;
};

class StringSink : public app::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    text.append(bytes);
    return Status();
  }
  std::string text;
};

// Hands out a text one line per read and fails with an I/O error at line
// `fail_at` (a dropped upload, a disk error): the import stops mid-file.
class FailingSource : public app::ByteSource {
 public:
  FailingSource(std::string text, int fail_at) : text_(std::move(text)), fail_at_(fail_at) {}
  Result<std::size_t> Read(std::span<char> buffer) override {
    if (++reads_ >= fail_at_) return Unavailable("the connection dropped");
    const std::size_t line_end = text_.find('\n', position_);
    const std::size_t end = line_end == std::string::npos ? text_.size() : line_end + 1;
    const std::size_t size = std::min(buffer.size(), end - position_);
    std::memcpy(buffer.data(), text_.data() + position_, size);
    position_ += size;
    return size;
  }
  std::optional<std::uint64_t> Size() const override { return text_.size(); }

 private:
  std::string text_;
  int fail_at_;
  int reads_ = 0;
  std::size_t position_ = 0;
};

class ContactTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("rapport-transfer-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    path_ = (directory_ / "rapport.db").string();
    app::StoreOptions options;
    options.database = path_;
    options.sqlite_synchronous = app::SqliteSynchronous::kOff;
    options.clock = &clock_;
    Result<std::unique_ptr<app::Store>> store = store::OpenStore(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
    fs::remove_all(directory_);
  }

  Result<app::ImportReport> Import(const std::string& text, app::ImportRequest request = {},
                                   app::ImportHooks hooks = {}) {
    StringSource source(text);
    app::ContactImporter importer(*store_, clock_);
    return importer.Import(operator_, origin_, source, request, hooks);
  }

  app::ImportReport ImportOk(const std::string& text, app::ImportRequest request = {}) {
    Result<app::ImportReport> report = Import(text, request);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : app::ImportReport{};
  }

  std::string Export(app::ExportFormat format) {
    StringSink sink;
    app::ContactExporter exporter(*store_, clock_);
    Result<app::ExportReport> report = exporter.Export(operator_, origin_, {.format = format}, sink);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return sink.text;
  }

  std::int64_t Count(const std::string& sql) {
    sqlite3* database = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &database, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(database, sql.c_str(), -1, &statement, nullptr), SQLITE_OK)
        << sqlite3_errmsg(database);
    std::int64_t value = -1;
    if (sqlite3_step(statement) == SQLITE_ROW) value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(database);
    return value;
  }
  std::int64_t Contacts() { return Count("SELECT count(*) FROM contacts"); }
  std::int64_t Events() { return Count("SELECT count(*) FROM events"); }

  std::vector<app::Contact> AllContacts() {
    std::vector<app::Contact> contacts;
    EXPECT_TRUE(store_
                    ->Read([&](app::ReadTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(contacts,
                                               transaction.Relationships().ScanContacts({}, ContactId{0}, 1000));
                      return Status();
                    })
                    .ok());
    return contacts;
  }

  FakeClock clock_{kNow};
  fs::path directory_;
  std::string path_;
  std::unique_ptr<app::Store> store_;
  app::Principal operator_ = app::AccessService::Operator("tester");
  app::Origin origin_{};
};

const std::string kThree =
    "\xEF\xBB\xBF"
    "E-mail;First Name;Last Name;Phone;Birthday\n"
    "anna@example.com;Анна;Иванова;8 916 123-45-67;28.02.1990\n"
    "bob@example.com;Bob;Stone;;\n"
    "\"Carol@Example.com\";Carol;\"O;Neil\";;1985-07-01\n";

TEST_F(ContactTransferTest, CreatesThenUnchangedThenUpdated) {
  app::ImportRequest request;
  request.default_calling_code = "7";
  request.file_name = "three.csv";
  const app::ImportReport first = ImportOk(kThree, request);
  EXPECT_EQ(first.rows, 3u);
  EXPECT_EQ(first.created, 3u);
  EXPECT_EQ(first.failed, 0u);
  EXPECT_TRUE(first.committed);
  EXPECT_EQ(Contacts(), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM events WHERE kind = 'contact_created'"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'contacts.import'"), 1);

  const std::vector<app::Contact> contacts = AllContacts();
  ASSERT_EQ(contacts.size(), 3u);
  EXPECT_EQ(contacts[0].profile.phone, "+79161234567");
  EXPECT_EQ(contacts[0].profile.birthday, "1990-02-28");
  EXPECT_EQ(contacts[0].profile.source, "import");
  EXPECT_EQ(contacts[2].profile.email, "carol@example.com");
  EXPECT_EQ(contacts[2].profile.last_name, "O;Neil");

  const std::int64_t events = Events();
  const app::ImportReport again = ImportOk(kThree, request);
  EXPECT_EQ(again.unchanged, 3u);
  EXPECT_EQ(again.created + again.updated, 0u);
  EXPECT_EQ(Contacts(), 3);
  EXPECT_EQ(Events(), events);

  const app::ImportReport changed = ImportOk("email,city\nbob@example.com,Berlin\nanna@example.com,\n", request);
  EXPECT_EQ(changed.updated, 1u);
  EXPECT_EQ(changed.unchanged, 1u);  // an empty cell changes nothing
  EXPECT_EQ(Count("SELECT count(*) FROM events WHERE kind = 'contact_updated' AND payload LIKE '%\"city\"%'"), 1);
  EXPECT_EQ(Contacts(), 3);
}

TEST_F(ContactTransferTest, SameKeyTwiceInOneFileIsOneContact) {
  const app::ImportReport report =
      ImportOk("email,first_name,last_name\nx@example.com,A,One\nX@example.com,,Two\n", {});
  EXPECT_EQ(report.created, 1u);
  EXPECT_EQ(report.updated, 1u);
  ASSERT_EQ(Contacts(), 1);
  EXPECT_EQ(AllContacts()[0].profile.last_name, "Two");
}

TEST_F(ContactTransferTest, DryRunWritesNothing) {
  ImportOk("email,first_name\nbob@example.com,Bob\n");
  const std::int64_t contacts = Contacts();
  const std::int64_t events = Events();
  app::ImportRequest request;
  request.dry_run = true;
  request.default_calling_code = "7";
  const app::ImportReport report = ImportOk(kThree, request);
  EXPECT_TRUE(report.dry_run);
  EXPECT_FALSE(report.committed);
  EXPECT_EQ(report.created, 2u);
  EXPECT_EQ(report.updated, 1u);  // bob gets a last name
  EXPECT_EQ(Contacts(), contacts);
  EXPECT_EQ(Events(), events);
}

TEST_F(ContactTransferTest, BadRowsAreReportedWithLinesAndNeverHalfWritten) {
  StringSink errors;
  app::ImportHooks hooks;
  hooks.error_report = &errors;
  app::ImportRequest request;
  request.batch_rows = 2;
  const std::string file =
      "email,first_name,birthday,phone\n"
      "a@example.com,A,,\n"
      "not-an-email,B,,\n"
      "c@example.com,C,1990-02-30,\n"
      "\"d@example.com\",\"D\nwith a break\",,\n"  // a name is one line; the record spans lines 5-6
      "e@example.com,E,,12\n"
      "f@example.com,F\n"
      "g@example.com,G,,\n";
  Result<app::ImportReport> report = Import(file, request, hooks);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows, 7u);
  EXPECT_EQ(report->created, 2u);  // a, g
  EXPECT_EQ(report->failed, 5u);
  EXPECT_EQ(Contacts(), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM contacts WHERE email IN ('c@example.com','e@example.com')"), 0);
  std::vector<std::uint64_t> lines;
  for (const app::ImportRowError& error : report->errors) lines.push_back(error.line);
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{3, 4, 5, 7, 8}));
  EXPECT_EQ(report->errors[0].field, "email");
  EXPECT_EQ(report->errors[1].field, "birthday");
  EXPECT_EQ(report->errors[2].field, "first_name");
  EXPECT_EQ(report->errors[3].field, "phone");
  EXPECT_NE(report->errors[4].reason.find("2 fields"), std::string::npos);
  EXPECT_TRUE(errors.text.starts_with("line,field,reason\n3,email,")) << errors.text;
  EXPECT_EQ(std::count(errors.text.begin(), errors.text.end(), '\n'), 6);
}

TEST_F(ContactTransferTest, InterruptedImportKeepsWrittenBatchesAndReRunsWithoutDuplicates) {
  // The encoding check reads the first 64 KiB (about 1,900 of these rows)
  // before the import proper; the error comes about 2,000 rows later.
  constexpr int kRows = 6000;
  constexpr int kFailingRead = 4000;
  std::string file = "email,first_name\n";
  for (int i = 0; i < kRows; ++i) {
    file += "user" + std::to_string(100000 + i) + "@example.com,Name" + std::to_string(100000 + i) + "\n";
  }
  app::ImportRequest request;
  request.batch_rows = 100;
  FailingSource failing(file, kFailingRead);
  app::ContactImporter importer(*store_, clock_);
  Result<app::ImportReport> interrupted = importer.Import(operator_, origin_, failing, request, {});
  EXPECT_EQ(interrupted.status().code(), StatusCode::kUnavailable) << interrupted.status().ToString();
  // Whole batches only, of the rows read before the error.
  const std::int64_t written = Contacts();
  EXPECT_GT(written, 0);
  EXPECT_LT(written, kFailingRead);
  EXPECT_EQ(written % 100, 0);
  EXPECT_EQ(Events(), written);

  const app::ImportReport rerun = ImportOk(file, request);
  EXPECT_EQ(rerun.rows, static_cast<std::uint64_t>(kRows));
  EXPECT_EQ(rerun.created, static_cast<std::uint64_t>(kRows - written));
  EXPECT_EQ(rerun.unchanged, static_cast<std::uint64_t>(written));
  EXPECT_EQ(Contacts(), kRows);
  EXPECT_EQ(Count("SELECT count(DISTINCT email) FROM contacts"), kRows);
}

TEST_F(ContactTransferTest, AllOrNothingWithOneBadRowWritesNothing) {
  app::ImportRequest request;
  request.commit = app::CommitMode::kAllOrNothing;
  request.batch_rows = 1;
  const app::ImportReport refused = ImportOk("email,first_name\na@example.com,A\nbad,B\nc@example.com,C\n", request);
  EXPECT_EQ(refused.failed, 1u);
  EXPECT_FALSE(refused.committed);
  EXPECT_EQ(Contacts(), 0);
  EXPECT_EQ(Events(), 0);

  const app::ImportReport good = ImportOk("email,first_name\na@example.com,A\nb@example.com,B\n", request);
  EXPECT_TRUE(good.committed);
  EXPECT_EQ(good.created, 2u);
  EXPECT_EQ(Contacts(), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'contacts.import'"), 1);
}

TEST_F(ContactTransferTest, AllOrNothingNeedsARewindableSource) {
  class OneShot : public app::ByteSource {
   public:
    Result<std::size_t> Read(std::span<char> buffer) override {
      const std::string_view text = "email\na@example.com\n";
      if (done_) return std::size_t{0};
      done_ = true;
      std::memcpy(buffer.data(), text.data(), text.size());
      return text.size();
    }
    std::optional<std::uint64_t> Size() const override { return std::nullopt; }
    bool done_ = false;
  } source;
  app::ImportRequest request;
  request.commit = app::CommitMode::kAllOrNothing;
  app::ContactImporter importer(*store_, clock_);
  Result<app::ImportReport> report = importer.Import(operator_, origin_, source, request);
  EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Contacts(), 0);
}

TEST_F(ContactTransferTest, CompanyColumnCreatesAndLinksCompanies) {
  const app::ImportReport report = ImportOk(
      "email,first_name,company,job_title\n"
      "a@example.com,A,ООО Ромашка,CFO\n"
      "b@example.com,B,ооо ромашка,\n"
      "c@example.com,C,Acme,CEO\n");
  EXPECT_EQ(report.created, 3u);
  EXPECT_EQ(Count("SELECT count(*) FROM companies"), 2);
  const std::vector<app::Contact> contacts = AllContacts();
  ASSERT_EQ(contacts.size(), 3u);
  ASSERT_EQ(contacts[0].companies.size(), 1u);
  EXPECT_EQ(contacts[0].companies[0].job_title, "CFO");
  EXPECT_TRUE(contacts[0].companies[0].primary);
  ASSERT_EQ(contacts[1].companies.size(), 1u);
  EXPECT_EQ(contacts[0].companies[0].company_id, contacts[1].companies[0].company_id);

  // A later file links an existing contact to an existing company.
  const app::ImportReport link = ImportOk("email,company\nc@example.com,ООО Ромашка\na@example.com,ООО Ромашка\n");
  EXPECT_EQ(link.updated, 1u);
  EXPECT_EQ(link.unchanged, 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM companies"), 2);
  EXPECT_EQ(AllContacts()[2].companies.size(), 2u);
}

TEST_F(ContactTransferTest, FilesNotInUtf8AreRefusedBeforeWriting) {
  Result<app::ImportReport> cp1251 = Import("email,first_name\na@example.com,\xC0\xED\xED\xE0\n");
  EXPECT_EQ(cp1251.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cp1251.status().message().find("not UTF-8"), std::string::npos);
  Result<app::ImportReport> utf16 =
      Import(std::string("\xFF\xFE"
                         "e\0m\0",
                         6));
  EXPECT_EQ(utf16.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(utf16.status().message().find("UTF-16"), std::string::npos);
  EXPECT_EQ(Contacts(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'contacts.import'"), 0);
}

TEST_F(ContactTransferTest, RefusesFilesWithoutTheKeyColumnAndUnknownMappings) {
  EXPECT_EQ(Import("first_name\nA\n").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Import("").status().code(), StatusCode::kInvalidArgument);
  app::ImportRequest request;
  request.mapping_name = "nope";
  EXPECT_EQ(Import("email\na@example.com\n", request).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Contacts(), 0);
}

TEST_F(ContactTransferTest, SavedMappingsAndPresets) {
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& transaction) {
                    return transaction.RelationshipsOut()
                        .SaveImportMapping("shop", R"({"columns":[["Почта","email"],["Имя","first_name"]]})", kNow)
                        .status();
                  })
                  .ok());
  app::ImportRequest request;
  request.mapping_name = "shop";
  const app::ImportReport saved = ImportOk("Почта,Имя,Other\na@example.com,Анна,x\n", request);
  EXPECT_EQ(saved.created, 1u);
  EXPECT_EQ(saved.unmapped_columns, (std::vector<std::string>{"Other"}));

  request.mapping_name = "hubspot";
  request.key = app::ContactKey::kExternalId;
  const app::ImportReport hubspot =
      ImportOk("Record ID,First Name,Email,Company Name\n501,Bea,bea@example.com,Acme\n", request);
  EXPECT_EQ(hubspot.created, 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM contacts WHERE external_id = '501'"), 1);
}

TEST_F(ContactTransferTest, ExternalIdHeldByAnotherContactIsARowError) {
  ImportOk("email,external_id\na@example.com,crm-1\n");
  const app::ImportReport report = ImportOk("email,external_id\nb@example.com,crm-1\nc@example.com,crm-2\n");
  EXPECT_EQ(report.failed, 1u);
  EXPECT_EQ(report.created, 1u);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].field, "external_id");
}

TEST_F(ContactTransferTest, CsvExportEscapesFormulasAndImportsBackUnchanged) {
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& transaction) {
                    app::CustomFieldDefinition tier;
                    tier.key = "tier";
                    tier.label = "Tier";
                    return transaction.RelationshipsOut().InsertCustomField(tier).status();
                  })
                  .ok());
  app::ImportRequest request;
  request.default_calling_code = "7";
  ImportOk(
      "email,first_name,last_name,phone,roles,company,job_title,custom.tier,city\n"
      "a@example.com,=cmd,\"Smith, Jr\",+7 916 000-00-01,\"customer,partner\",Acme,CFO,gold,Москва\n"
      "b@example.com,Bob,,,,,,,\n",
      request);
  const std::string csv = Export(app::ExportFormat::kCsv);
  EXPECT_NE(csv.find(",'=cmd,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("custom.tier"), std::string::npos);
  EXPECT_NE(csv.find("\"Smith, Jr\""), std::string::npos);
  const std::int64_t events = Events();
  const app::ImportReport again = ImportOk(csv, request);
  EXPECT_EQ(again.unchanged, 2u) << (again.errors.empty() ? "" : again.errors[0].field + ": " + again.errors[0].reason);
  EXPECT_EQ(again.created + again.updated + again.failed, 0u);
  EXPECT_EQ(again.unmapped_columns, (std::vector<std::string>{"id", "created_at", "updated_at"}));
  EXPECT_EQ(AllContacts()[0].profile.first_name, "=cmd");

  const std::string ndjson = Export(app::ExportFormat::kNdjson);
  request.format = app::ImportFormat::kNdjson;
  const app::ImportReport from_ndjson = ImportOk(ndjson, request);
  EXPECT_EQ(from_ndjson.unchanged, 2u) << ndjson;
  EXPECT_EQ(from_ndjson.failed, 0u);
  EXPECT_EQ(Events(), events);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'contacts.export'"), 2);
}

TEST_F(ContactTransferTest, VcardExport) {
  ImportOk("email,first_name,last_name,company,birthday\na@example.com,Anna,\"Doe, Jr\",Acme,1990-02-28\n");
  const std::string vcard = Export(app::ExportFormat::kVcard);
  const std::int64_t id = AllContacts()[0].id.value();
  EXPECT_NE(vcard.find("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:rapport:contact:" + std::to_string(id) + "\r\n"),
            std::string::npos);
  EXPECT_NE(vcard.find("FN:Anna Doe\\, Jr\r\n"), std::string::npos) << vcard;
  EXPECT_NE(vcard.find("N:Doe\\, Jr;Anna;;;\r\n"), std::string::npos);
  EXPECT_NE(vcard.find("ORG:Acme\r\n"), std::string::npos);
  EXPECT_NE(vcard.find("BDAY:19900228\r\n"), std::string::npos);
  EXPECT_TRUE(vcard.ends_with("END:VCARD\r\n"));
}

TEST_F(ContactTransferTest, ExportStopsAtRowsMax) {
  ImportOk("email\na@example.com\nb@example.com\nc@example.com\n");
  StringSink sink;
  app::ContactExporter exporter(*store_, clock_);
  Result<app::ExportReport> report =
      exporter.Export(operator_, origin_, {.format = app::ExportFormat::kNdjson, .filter = {}, .rows_max = 2}, sink);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows, 2u);
  EXPECT_TRUE(report->truncated);
  EXPECT_EQ(std::count(sink.text.begin(), sink.text.end(), '\n'), 2);
}

TEST_F(ContactTransferTest, OnlyAdminsImportAndExport) {
  app::Principal analyst;
  analyst.kind = app::Principal::Kind::kUser;
  analyst.id = 5;
  analyst.role = domain::Role::kAnalyst;
  StringSource source("email\na@example.com\n");
  app::ContactImporter importer(*store_, clock_);
  EXPECT_EQ(importer.Import(analyst, origin_, source, {}).status().code(), StatusCode::kPermissionDenied);
  StringSink sink;
  app::ContactExporter exporter(*store_, clock_);
  EXPECT_EQ(exporter.Export(analyst, origin_, {}, sink).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Contacts(), 0);
}

TEST_F(ContactTransferTest, LargeFileStreamsInBoundedMemory) {
  constexpr std::int64_t kRows = 200'000;
  GeneratedSource source(kRows);
  app::ImportRequest request;
  std::uint64_t progress_calls = 0;
  app::ImportHooks hooks;
  hooks.on_progress = [&](const app::ImportProgress&) { ++progress_calls; };
  app::ContactImporter importer(*store_, clock_);
  Result<app::ImportReport> report = importer.Import(operator_, origin_, source, request, hooks);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, static_cast<std::uint64_t>(kRows));
  EXPECT_EQ(report->failed, 0u);
  EXPECT_EQ(progress_calls, static_cast<std::uint64_t>(kRows) / request.batch_rows);
  EXPECT_EQ(Contacts(), kRows);
  // Peak memory of the whole test process: far below what holding the rows would take.
  rusage usage{};
  ASSERT_EQ(getrusage(RUSAGE_SELF, &usage), 0);
  // AddressSanitizer's shadow memory and quarantine add a few hundred MiB of their own.
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kPeakKibMax = 1024 * 1024;
#else
  constexpr long kPeakKibMax = 400 * 1024;
#endif
  EXPECT_LT(usage.ru_maxrss, kPeakKibMax) << "peak RSS in KiB";
}

}  // namespace
}  // namespace rapport
