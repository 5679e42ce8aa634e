// The loyalty programme's API beyond purchases and rewards: coupons (list,
// read, create, patch, and the till's check), referral codes and the referral
// graph, and the tiers at a glance. Every operation goes through
// app::ProgrammeService, which checks the permission again and writes the
// events and audit records in the change's transaction. Tiers, promotions and
// bonus amounts are part of the rules (PUT /api/v1/loyalty/rules); a purchase
// applies them (POST /api/v1/purchases).
//
// Problems. Coupon field errors are 422 invalid_coupon; a code in use is 409
// coupon_code_taken (field "code"). A referral with an unknown or the
// member's own code is 422 invalid_referral (field "code"); a member already
// referred by someone else or who already bought is 409 referral_refused. A
// referral repeated with the same referrer answers the first one with 200.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json.h"
#include "request_context.h"
#include "routes/loyalty_json.h"
#include "routes/programme_json.h"
#include "routes/programme_schemas.h"
#include "routes/route_support.h"
#include "routes/routes.h"

#include "rapport/app/programme_service.h"
#include "rapport/base/assert.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

constexpr int kProgrammePageDefault = 50;

std::vector<FieldError> FieldErrorsOf(const std::vector<app::LoyaltyFieldError>& errors) {
  std::vector<FieldError> out;
  for (const app::LoyaltyFieldError& error : errors) out.push_back({error.field, "invalid_value", error.reason});
  return out;
}

template <typename T>
Response JsonFrom(int status, const T& value, void (*write)(JsonWriter&, const T&)) {
  JsonWriter json;
  write(json, value);
  return RequestContext::Json(status, json.Take());
}

// The keyset cursor of a list: ?before= (the "next" of the previous page),
// also accepted as ?cursor= like the other lists. An empty inner value for
// the first page; nullopt after answering 400 into `problem`.
std::optional<std::optional<std::int64_t>> BeforeCursor(const RequestContext& context,
                                                        std::optional<Response>& problem) {
  const auto before = QueryParam(context.request().query, "before");
  if (!before) return IdCursor(context, problem);
  if (before->empty()) return std::optional<std::int64_t>();
  const auto value = PositiveInteger(*before);
  if (!value) {
    problem = InvalidParameter(context, "before", "Not a cursor of this list.");
    return std::nullopt;
  }
  return std::optional<std::int64_t>(*value);
}

// --- Coupons

Response CouponProblem(const RequestContext& context, const app::ProgrammeService::CouponOutcome& outcome) {
  const Status& status = outcome.status;
  if (status.code() == StatusCode::kInvalidArgument) {
    return context.ProblemFor(UnprocessableProblem("invalid_coupon", "The coupon has invalid values", status.message(),
                                                   FieldErrorsOf(outcome.errors)));
  }
  if (status.code() == StatusCode::kAlreadyExists) {
    Problem problem{.status = 409,
                    .code = "coupon_code_taken",
                    .title = "Another coupon has this code",
                    .detail = status.message()};
    problem.errors = FieldErrorsOf(outcome.errors);
    if (problem.errors.empty()) problem.errors.push_back({"code", "invalid_value", "The code is in use."});
    return context.ProblemFor(problem);
  }
  return context.StatusProblem(status);
}

boost::asio::awaitable<Response> ListCoupons(RequestContext& context) {
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, kProgrammePageDefault, problem);
  if (!limit) co_return std::move(*problem);
  const auto cursor = BeforeCursor(context, problem);
  if (!cursor) co_return std::move(*problem);
  app::CouponsReader::CouponFilter filter;
  const std::string_view query = context.request().query;
  if (const auto contact = QueryParam(query, "contact_id"); contact && !contact->empty()) {
    const auto id = PositiveInteger(*contact);
    if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
    filter.contact = ContactId(*id);
  }
  if (const auto all = QueryParam(query, "include_inactive"); all && !all->empty()) {
    if (*all != "true" && *all != "false") {
      co_return InvalidParameter(context, "include_inactive", "Expected true or false.");
    }
    filter.include_inactive = *all == "true";
  }
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  Result<app::CouponPage> page = co_await context.Call<app::CouponPage>(
      [&] { return programme->ListCoupons(principal, filter, *cursor, *limit); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Coupon& coupon : page->items) WriteCoupon(json, coupon);
  json.EndArray();
  WriteIdNext(json, page->next);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> GetCoupon(RequestContext& context) {
  const auto id = PathId(context, "coupon_id");
  if (!id) co_return InvalidParameter(context, "coupon_id", "Expected a positive integer.");
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  Result<std::optional<app::Coupon>> coupon =
      co_await context.Call<std::optional<app::Coupon>>([&] { return programme->GetCoupon(principal, *id); });
  if (!coupon.ok()) co_return context.StatusProblem(coupon.status());
  if (!coupon->has_value()) co_return context.ProblemFor(NotFoundProblem("No coupon " + std::to_string(*id) + "."));
  co_return JsonFrom(200, **coupon, WriteCoupon);
}

boost::asio::awaitable<Response> CreateCoupon(RequestContext& context) {
  app::CouponDraft draft;
  if (auto problem = ReadCouponDraft(context.request().body, draft)) co_return context.ProblemFor(*problem);
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::ProgrammeService::CouponOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&] {
    outcome.emplace(programme->CreateCoupon(principal, origin, draft));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  if (!outcome->status.ok()) co_return CouponProblem(context, *outcome);
  RAPPORT_ASSERT(outcome->coupon.has_value());
  co_return JsonFrom(201, *outcome->coupon, WriteCoupon);
}

boost::asio::awaitable<Response> UpdateCoupon(RequestContext& context) {
  const auto id = PathId(context, "coupon_id");
  if (!id) co_return InvalidParameter(context, "coupon_id", "Expected a positive integer.");
  CouponPatch patch;
  if (auto problem = ReadCouponPatch(context.request().body, patch)) co_return context.ProblemFor(*problem);
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::ProgrammeService::CouponOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&]() -> Status {
    // Members left out keep the coupon's current values.
    RAPPORT_ASSIGN_OR_RETURN(std::optional<app::Coupon> current, programme->GetCoupon(principal, *id));
    if (!current) return NotFound("No coupon " + std::to_string(*id) + ".");
    outcome.emplace(programme->UpdateCoupon(principal, origin, *id, patch.active.value_or(current->active),
                                            patch.valid_until.value_or(current->valid_until),
                                            patch.max_uses.value_or(current->max_uses)));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  if (!outcome->status.ok()) co_return CouponProblem(context, *outcome);
  RAPPORT_ASSERT(outcome->coupon.has_value());
  co_return JsonFrom(200, *outcome->coupon, WriteCoupon);
}

boost::asio::awaitable<Response> CheckCoupon(RequestContext& context) {
  const std::string_view query = context.request().query;
  const std::optional<std::string> code = QueryParam(query, "code");
  if (!code || code->empty()) co_return InvalidParameter(context, "code", "The coupon code is required.");
  const std::optional<std::string> contact_text = QueryParam(query, "contact_id");
  const std::optional<std::int64_t> contact = contact_text ? PositiveInteger(*contact_text) : std::nullopt;
  if (!contact) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  const std::string currency = QueryParam(query, "currency").value_or("");
  std::optional<Timestamp> at;
  if (const auto text = QueryParam(query, "at"); text && !text->empty()) {
    Result<Timestamp> parsed = ParseRfc3339(*text);
    if (!parsed.ok()) {
      co_return InvalidParameter(context, "at", "Expected an RFC 3339 time like 2026-11-24T10:00:00Z.");
    }
    at = *parsed;
  }
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  Result<app::CouponCheck> check = co_await context.Call<app::CouponCheck>(
      [&] { return programme->CheckCoupon(principal, *code, ContactId(*contact), currency, at); });
  if (!check.ok()) co_return context.StatusProblem(check.status());
  co_return JsonFrom(200, *check, WriteCouponCheck);
}

// --- Referrals

boost::asio::awaitable<Response> GetReferrals(RequestContext& context) {
  const auto id = PathId(context, "contact_id");
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, kProgrammePageDefault, problem);
  if (!limit) co_return std::move(*problem);
  const auto cursor = BeforeCursor(context, problem);
  if (!cursor) co_return std::move(*problem);
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  Result<app::ReferralGraph> graph = co_await context.Call<app::ReferralGraph>(
      [&] { return programme->Graph(principal, ContactId(*id), *cursor, *limit); });
  if (!graph.ok()) co_return context.StatusProblem(graph.status());
  co_return JsonFrom(200, *graph, WriteReferralGraph);
}

boost::asio::awaitable<Response> GiveReferralCode(RequestContext& context) {
  const auto id = PathId(context, "contact_id");
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<std::string> code =
      co_await context.Call<std::string>([&] { return programme->ReferralCode(principal, origin, ContactId(*id)); });
  if (!code.ok()) co_return context.StatusProblem(code.status());
  JsonWriter json;
  json.StartObject();
  json.Field("code", *code);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> Refer(RequestContext& context) {
  ReferralRequest request;
  if (auto problem = ReadReferralRequest(context.request().body, request)) co_return context.ProblemFor(*problem);
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  // A replay returns the referral recorded before: known by its id.
  std::optional<std::int64_t> earlier;
  Result<app::Referral> referral = co_await context.Call<app::Referral>([&]() -> Result<app::Referral> {
    Result<app::ReferralGraph> before = programme->Graph(principal, request.contact_id, std::nullopt, 1);
    if (before.ok() && before->referred_by) earlier = before->referred_by->id;
    return programme->Refer(principal, origin, request.contact_id, request.code);
  });
  if (!referral.ok()) {
    const Status& status = referral.status();
    if (status.code() == StatusCode::kInvalidArgument) {
      co_return context.ProblemFor(UnprocessableProblem("invalid_referral", "The referral has invalid values",
                                                        status.message(),
                                                        {{"code", "invalid_value", status.message()}}));
    }
    if (status.code() == StatusCode::kFailedPrecondition) {
      co_return context.ProblemFor(Problem{.status = 409,
                                           .code = "referral_refused",
                                           .title = "The member cannot be referred",
                                           .detail = status.message()});
    }
    co_return context.StatusProblem(status);
  }
  co_return JsonFrom(earlier == referral->id ? 200 : 201, *referral, WriteReferral);
}

// --- Tiers

boost::asio::awaitable<Response> GetTiers(RequestContext& context) {
  app::ProgrammeService* programme = context.services().programme;
  const app::Principal principal = *context.principal();
  Result<app::TierOverview> overview =
      co_await context.Call<app::TierOverview>([&] { return programme->Tiers(principal); });
  if (!overview.ok()) co_return context.StatusProblem(overview.status());
  co_return JsonFrom(200, *overview, WriteTierOverview);
}

OpenApiOperation Operation(std::string id, std::string summary, std::string description, std::string request_schema,
                           std::vector<OpenApiResponse> responses, std::vector<OpenApiParameter> parameters = {}) {
  return OpenApiOperation{.operation_id = std::move(id),
                          .summary = std::move(summary),
                          .description = std::move(description),
                          .tags = {"programme"},
                          .parameters = std::move(parameters),
                          .request_schema_json = std::move(request_schema),
                          .responses = std::move(responses)};
}

std::string ArrayOf(std::string_view item) { return R"({"type":"array","items":)" + std::string(item) + "}"; }

}  // namespace

void RegisterProgrammeRoutes(Router& router) {
  const auto read = app::Permission::Require(Resource::kLoyalty, Action::kRead);
  const auto write = app::Permission::Require(Resource::kLoyalty, Action::kWrite);
  const auto admin = app::Permission::Require(Resource::kLoyalty, Action::kAdmin);
  const std::string coupon(schemas::kCoupon);
  const std::string referral(schemas::kReferral);
  const std::string coupon_check = R"({"type":"object","required":["usable","problem","coupon"],"properties":{)" +
                                   std::string(schemas::kCouponCheckMembers) + R"(,"coupon":{"oneOf":[)" + coupon +
                                   R"(,{"type":"null"}]}}})";
  const std::string referral_graph =
      R"({"type":"object","required":["code","referred_by","referrals","next","rewarded"],"properties":{"code":{"type":["string","null"],"description":"The member's own code, once given"},"referred_by":{"oneOf":[)" +
      referral + R"(,{"type":"null"}]},"referrals":)" + ArrayOf(referral) +
      R"(,"next":{"type":["string","null"]},"rewarded":{"type":"integer","description":"Of the member's referrals, how many were rewarded"}}})";
  const std::string tier_programme = R"({"type":"object","required":["tiers","qualification","currency",)"
                                     R"("window_months","period_months","grace_days"],"properties":{"tiers":)" +
                                     ArrayOf(schemas::kTierDefinition) + "," +
                                     std::string(schemas::kTierProgrammeMembers) + "}}";
  const std::string tier_overview =
      R"({"type":"object","required":["programme","members"],"properties":{"programme":)" + tier_programme +
      R"(,"members":)" + ArrayOf(schemas::kTierCount) + "}}";
  const OpenApiParameter limit{.name = "limit", .description = "1 to 500, default 50"};
  const OpenApiParameter before{.name = "before", .description = "The next of the previous page"};

  router.Add({Method::kGet, "/api/v1/coupons", read, ListCoupons,
              Operation("listCoupons", "Coupons, newest first", "Active coupons unless include_inactive=true.", "",
                        {{"200", "A page of coupons", "application/json", PageSchema(coupon)}},
                        {limit,
                         before,
                         {.name = "contact_id", .description = "Only this contact's personal coupons"},
                         {.name = "include_inactive", .description = "true: inactive coupons too (default false)"}})});
  router.Add({Method::kPost, "/api/v1/coupons", admin, CreateCoupon,
              Operation("createCoupon", "Create a coupon or a personal discount",
                        "name and kind are required, with the kind's own field (points, percent_off or "
                        "amount_off_minor and currency). An empty or missing code is generated. Audited. 409 "
                        "coupon_code_taken (field code); 422 invalid_coupon with field errors.",
                        std::string(schemas::kCouponInput), {{"201", "The coupon", "application/json", coupon}})});
  // Before /coupons/{coupon_id}, which would otherwise take it.
  router.Add({Method::kGet, "/api/v1/coupons/check", read, CheckCoupon,
              Operation("checkCoupon", "Whether a member may use a coupon code now, and what it gives",
                        "The till's question before a purchase. 404 for an unknown contact.", "",
                        {{"200", "The answer", "application/json", coupon_check}},
                        {{.name = "code", .description = "The code (case-insensitive)", .required = true},
                         {.name = "contact_id", .description = "The member", .required = true},
                         {.name = "currency", .description = "ISO 4217 of the purchase (amount_off coupons)"},
                         {.name = "at", .description = "RFC 3339; default now"}})});
  router.Add({Method::kGet, "/api/v1/coupons/{coupon_id}", read, GetCoupon,
              Operation("getCoupon", "A coupon", "", "", {{"200", "The coupon", "application/json", coupon}})});
  router.Add({Method::kPatch, "/api/v1/coupons/{coupon_id}", admin, UpdateCoupon,
              Operation("updateCoupon", "Activate or deactivate a coupon, move its end, change its limit",
                        "Members left out keep their value; null clears valid_until and max_uses. Audited. 422 "
                        "invalid_coupon with field errors.",
                        std::string(schemas::kCouponPatch), {{"200", "The coupon", "application/json", coupon}})});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/referrals", read, GetReferrals,
              Operation("getReferrals", "A member's referral code, who referred them and whom they referred",
                        "Referrals newest first.", "",
                        {{"200", "The referral graph", "application/json", referral_graph}}, {limit, before})});
  router.Add({Method::kPost, "/api/v1/contacts/{contact_id}/referral-code", write, GiveReferralCode,
              Operation("giveReferralCode", "The member's referral code, given on the first call",
                        "Every call answers the same code.", "",
                        {{"200", "The code", "application/json", std::string(schemas::kReferralCode)}})});
  router.Add({Method::kPost, "/api/v1/referrals", write, Refer,
              Operation("recordReferral", "Record that a new member came with a referral code",
                        "Before the member's first purchase. The same referrer again answers the referral recorded "
                        "before (200). 422 invalid_referral (field code) for an unknown code or the member's own; "
                        "409 referral_refused when the member was referred by someone else or already bought.",
                        std::string(schemas::kReferralInput),
                        {{"201", "The referral", "application/json", referral},
                         {"200", "The referral recorded before", "application/json", referral}})});
  router.Add({Method::kGet, "/api/v1/loyalty/tiers", read, GetTiers,
              Operation("getLoyaltyTiers", "The programme's tiers and how many members hold each",
                        "Members without a tier are not counted.", "",
                        {{"200", "The tiers", "application/json", tier_overview}})});
}

}  // namespace rapport::http
