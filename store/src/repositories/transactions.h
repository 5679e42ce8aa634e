// SqlReadTransaction and SqlWriteTransaction: the app::ReadTransaction and
// app::WriteTransaction both adapters hand to bodies. They only bundle the
// repositories over the adapter's SqlSession; the adapter owns the real
// transaction (BEGIN/SAVEPOINT/COMMIT) around the body.
//
// Thread safety: belong to the thread running the body, valid during the body.
#pragma once

#include "repositories/accounts.h"
#include "repositories/card_details.h"
#include "repositories/checkpoints.h"
#include "repositories/coupons.h"
#include "repositories/directory.h"
#include "repositories/event_log.h"
#include "repositories/job_queue.h"
#include "repositories/loyalty.h"
#include "repositories/referrals.h"
#include "repositories/relationships.h"
#include "repositories/rewards.h"
#include "repositories/tiers.h"

#include "rapport/app/store.h"

namespace rapport::store {

class SqlReadTransaction final : public app::ReadTransaction {
 public:
  SqlReadTransaction(SqlSession& session, Timestamp now)
      : events_(session, now),
        jobs_(session),
        directory_(session, now),
        accounts_(session),
        relationships_(session, now),
        card_details_(session, now),
        loyalty_(session, now),
        rewards_(session, now),
        tiers_(session, now),
        coupons_(session, now),
        referrals_(session, now) {}
  app::EventLogReader& Events() override { return events_; }
  app::JobQueue& Jobs() override { return jobs_; }
  app::DirectoryReader& Directory() override { return directory_; }
  app::AccountsReader& Accounts() override { return accounts_; }
  app::RelationshipsReader& Relationships() override { return relationships_; }
  app::CardDetailsReader& CardDetails() override { return card_details_; }
  app::LoyaltyReader& Loyalty() override { return loyalty_; }
  app::RewardsReader& Rewards() override { return rewards_; }
  app::TiersReader& Tiers() override { return tiers_; }
  app::CouponsReader& Coupons() override { return coupons_; }
  app::ReferralsReader& Referrals() override { return referrals_; }

 private:
  SqlEventLog events_;
  SqlJobQueue jobs_;
  SqlDirectory directory_;
  SqlAccounts accounts_;
  SqlRelationships relationships_;
  SqlCardDetails card_details_;
  SqlLoyalty loyalty_;
  SqlRewards rewards_;
  SqlTiers tiers_;
  SqlCoupons coupons_;
  SqlReferrals referrals_;
};

class SqlWriteTransaction final : public app::WriteTransaction {
 public:
  // `now` is the transaction's clock reading: every event appended in it is
  // recorded at that instant.
  SqlWriteTransaction(SqlSession& session, Timestamp now)
      : events_(session, now),
        jobs_(session),
        directory_(session, now),
        checkpoints_(session, now),
        accounts_(session),
        relationships_(session, now),
        card_details_(session, now),
        loyalty_(session, now),
        rewards_(session, now),
        tiers_(session, now),
        coupons_(session, now),
        referrals_(session, now) {}
  app::EventLogReader& Events() override { return events_; }
  app::JobQueue& Jobs() override { return jobs_; }
  app::DirectoryReader& Directory() override { return directory_; }
  app::EventLogWriter& EventsOut() override { return events_; }
  app::ConsumerCheckpoints& Checkpoints() override { return checkpoints_; }
  app::DirectoryWriter& DirectoryOut() override { return directory_; }
  app::AccountsReader& Accounts() override { return accounts_; }
  app::AccountsWriter& AccountsOut() override { return accounts_; }
  app::RelationshipsReader& Relationships() override { return relationships_; }
  app::RelationshipsWriter& RelationshipsOut() override { return relationships_; }
  app::CardDetailsReader& CardDetails() override { return card_details_; }
  app::CardDetailsWriter& CardDetailsOut() override { return card_details_; }
  app::LoyaltyReader& Loyalty() override { return loyalty_; }
  app::LoyaltyWriter& LoyaltyOut() override { return loyalty_; }
  app::RewardsReader& Rewards() override { return rewards_; }
  app::RewardsWriter& RewardsOut() override { return rewards_; }
  app::TiersReader& Tiers() override { return tiers_; }
  app::TiersWriter& TiersOut() override { return tiers_; }
  app::CouponsReader& Coupons() override { return coupons_; }
  app::CouponsWriter& CouponsOut() override { return coupons_; }
  app::ReferralsReader& Referrals() override { return referrals_; }
  app::ReferralsWriter& ReferralsOut() override { return referrals_; }

 private:
  SqlEventLog events_;
  SqlJobQueue jobs_;
  SqlDirectory directory_;
  SqlCheckpoints checkpoints_;
  SqlAccounts accounts_;
  SqlRelationships relationships_;
  SqlCardDetails card_details_;
  SqlLoyalty loyalty_;
  SqlRewards rewards_;
  SqlTiers tiers_;
  SqlCoupons coupons_;
  SqlReferrals referrals_;
};

}  // namespace rapport::store
