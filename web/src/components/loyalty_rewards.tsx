// The "Rewards" part of the client card's loyalty panel: the rewards the member is offered now
// (switched on and within their window, cheapest first) with the price against the member's
// balance, and, for those they cannot redeem, why (short of points, out of stock, the per-client
// limit); "Redeem" (`loyalty: write`) asks for confirmation in the row and sends one external id
// per confirmation, so a retry never spends twice; and the member's redemptions newest first with
// their state and "Cancel" (`loyalty: write`, confirmed in the row). A refusal (409) shows the
// server's reason and reloads the panel, since the balance or the stock it was based on changed;
// a redemption or a cancellation reloads the whole panel (balance, statement) through `onChanged`.
// The texts and the "can they redeem it" rules come from rewards_logic.ts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { formatPoints, formatSignedPoints } from '../api/loyalty';
import {
  cancelRedemption,
  fetchRedemptions,
  fetchRewards,
  kRewardsPageMax,
  redeemReward,
  redemptionExternalId,
  redemptionRefusal,
  type Redemption,
  type Reward,
  type RedemptionRefusal,
} from '../api/rewards';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { Link } from '../router';
import { heldQuantity, offeredRewards, pointsPhrase, rewardBlockText, rewardChance, rewardWindowText, stockText, type RewardState } from '../rewards_logic';
import { usePagedList } from '../use_paged_list';
import { formatDate } from './contact_bits';
import { useLocalDay } from './loyalty_programme';
import { ProblemAlert } from './problem_alert';
import { StatusBadge, type BadgeTone } from './status_badge';

export const kRewardStateKeys: Readonly<Record<RewardState, MessageKey>> = {
  available: 'rewards.state.available',
  inactive: 'rewards.state.inactive',
  scheduled: 'rewards.state.scheduled',
  ended: 'rewards.state.ended',
  out_of_stock: 'rewards.state.out_of_stock',
};

export const kRewardStateTones: Readonly<Record<RewardState, BadgeTone>> = {
  available: 'ok',
  inactive: 'neutral',
  scheduled: 'neutral',
  ended: 'bad',
  out_of_stock: 'bad',
};

export const kRewardKindKeys: Readonly<Record<string, MessageKey>> = {
  goods: 'rewards.kind.goods',
  discount: 'rewards.kind.discount',
};

const kRefusalKeys: Readonly<Record<RedemptionRefusal, MessageKey>> = {
  insufficient_points: 'rewards.refused.insufficient_points',
  out_of_stock: 'rewards.refused.out_of_stock',
  limit_reached: 'rewards.refused.limit_reached',
  not_available: 'rewards.refused.not_available',
  already_cancelled: 'rewards.refused.already_cancelled',
  external_id_reused: 'rewards.refused.external_id_reused',
};

// A refusal as shown: the reason in the page's language and the server's own words.
interface Refusal {
  code: string;
  reason: string;
  detail: string;
}

type Confirming = { kind: 'redeem'; reward_id: number; external_id: string } | { kind: 'cancel'; redemption_id: number } | null;

function newExternalId(): string {
  return redemptionExternalId(crypto.getRandomValues(new Uint8Array(12)));
}

// A reward's name cell: the name, then its kind and description (and, with `with_window`, when
// it can be redeemed, when that is limited) in small print.
export function RewardNameCell(props: { reward: Reward; with_window?: boolean }) {
  const { t } = useI18n();
  const day = useLocalDay();
  const { reward } = props;
  const windowed = props.with_window === true && (reward.available_from !== null || reward.available_until !== null);
  return (
    <td>
      {reward.name}
      <span class="muted small loyalty-block">
        {t(kRewardKindKeys[reward.kind] ?? 'rewards.kind.goods')}
        {reward.description !== '' && ` · ${reward.description}`}
        {windowed && ` · ${rewardWindowText(t, day, reward)}`}
      </span>
    </td>
  );
}

function OfferedReward(props: {
  reward: Reward;
  balance: number;
  held: number;
  now_ms: number;
  writable: boolean;
  confirming: boolean;
  busy: boolean;
  onAsk: () => void;
  onConfirm: () => void;
  onDismiss: () => void;
}) {
  const { t, locale } = useI18n();
  const day = useLocalDay();
  const { reward } = props;
  const chance = rewardChance(reward, props.balance, props.held, props.now_ms);
  const why = rewardBlockText(t, locale, chance, reward, day);
  const why_id = `reward-${reward.id}-why`;
  const after_points = pointsPhrase(t, locale, chance.balance_after);
  return (
    <tr data-testid="card-reward" data-reward-id={reward.id} data-name={reward.name} data-redeemable={chance.redeemable ? 'true' : 'false'} data-block={chance.block ?? ''} data-stock={reward.stock ?? ''}>
      <RewardNameCell reward={reward} with_window />
      <td class="numeric nowrap" data-testid="card-reward-price">
        {pointsPhrase(t, locale, reward.points_price)}
      </td>
      <td class="numeric nowrap" data-testid="card-reward-stock">
        {stockText(t, locale, reward.stock)}
      </td>
      <td id={why_id} data-testid="reward-why" class={chance.redeemable ? 'muted small' : 'reward-why--blocked'}>
        {why ?? t('rewards.balance_after', { points: after_points })}
      </td>
      {props.writable && (
        <td class="table__actions">
          {props.confirming ? (
            <div class="confirm" role="group" aria-label={t('rewards.redeem')} data-testid="redeem-confirm">
              <span>{t('rewards.redeem_confirm', { name: reward.name, points: pointsPhrase(t, locale, reward.points_price), balance: formatPoints(locale, chance.balance_after) })}</span>
              <button type="button" class="button" disabled={props.busy} onClick={props.onConfirm}>
                {t('rewards.redeem_yes')}
              </button>
              <button type="button" class="button button--quiet" disabled={props.busy} onClick={props.onDismiss}>
                {t('app.cancel')}
              </button>
            </div>
          ) : (
            <button type="button" class="button button--quiet" data-testid="redeem-button" disabled={!chance.redeemable || props.busy} aria-describedby={why_id} onClick={props.onAsk}>
              {t('rewards.redeem')}
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

function RedemptionRow(props: {
  redemption: Redemption;
  name: string;
  writable: boolean;
  confirming: boolean;
  busy: boolean;
  onAsk: () => void;
  onConfirm: () => void;
  onDismiss: () => void;
}) {
  const { t, locale, format } = useI18n();
  const { redemption } = props;
  const active = redemption.state === 'active';
  return (
    <tr data-testid="redemption-row" data-redemption-id={redemption.id} data-reward-id={redemption.reward_id} data-state={redemption.state} data-points={redemption.points}>
      <td class="nowrap">{formatDate(format, redemption.created_at)}</td>
      <td>
        {props.name}
        {redemption.quantity > 1 && <span class="muted small"> ×{redemption.quantity}</span>}
        {redemption.actor !== '' && <span class="muted small loyalty-block">{redemption.actor}</span>}
      </td>
      <td class="numeric nowrap">{formatSignedPoints(locale, -redemption.points)}</td>
      <td>
        <StatusBadge tone={active ? 'ok' : 'neutral'} label={t(active ? 'rewards.redemption.active' : 'rewards.redemption.cancelled')} />
        {redemption.cancelled_at !== null && (
          <span class="muted small loyalty-block">{t('rewards.redemption.cancelled_at', { date: formatDate(format, redemption.cancelled_at) })}</span>
        )}
      </td>
      {props.writable && (
        <td class="table__actions">
          {active && props.confirming && (
            <div class="confirm" role="group" aria-label={t('rewards.cancel')} data-testid="cancel-confirm">
              <span>{t('rewards.cancel_confirm', { name: props.name, points: pointsPhrase(t, locale, redemption.points) })}</span>
              <button type="button" class="button button--danger" disabled={props.busy} onClick={props.onConfirm}>
                {t('rewards.cancel_yes')}
              </button>
              <button type="button" class="button button--quiet" disabled={props.busy} onClick={props.onDismiss}>
                {t('rewards.cancel_keep')}
              </button>
            </div>
          )}
          {active && !props.confirming && (
            <button type="button" class="button button--quiet" data-testid="cancel-redemption" disabled={props.busy} onClick={props.onAsk}>
              {t('rewards.cancel')}
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

export function RewardsSection(props: {
  contact_id: number;
  balance: number;
  writable: boolean;
  generation: number;
  onChanged: (message: string) => void;  // after a redemption or a cancellation
  onRefused: () => void;  // after a refusal: what the page showed is out of date
}) {
  const { t, locale } = useI18n();
  // Every reward, inactive ones too, so the member's redemptions can name theirs.
  const reward_list = usePagedList((cursor, signal) => fetchRewards({ include_inactive: true }, cursor, signal, kRewardsPageMax), [props.contact_id, props.generation]);
  const redemption_list = usePagedList((cursor, signal) => fetchRedemptions(props.contact_id, cursor, signal), [props.contact_id, props.generation]);
  const loading = reward_list.loading || redemption_list.loading;
  // The part shows one error: a failed action's error replaces what the lists reported.
  const error = reward_list.error ?? redemption_list.error;
  const setError = (caught: unknown) => {
    reward_list.setError(caught);
    redemption_list.setError(null);
  };
  // The two lists as they were when neither was loading: a reload shows the rewards and the
  // redemptions of one moment (never a new redemption next to the stock from before it).
  const settled = useRef({ rewards: reward_list.items, redemptions: redemption_list.items });
  if (!loading) settled.current = { rewards: reward_list.items, redemptions: redemption_list.items };
  const { rewards, redemptions } = settled.current;
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setConfirming(null);
  }, [props.contact_id, props.generation]);

  const nameOf = (reward_id: number): string => rewards.find((reward) => reward.id === reward_id)?.name ?? t('rewards.unknown_reward', { id: reward_id });

  // Runs a redemption or a cancellation; a 409 is a refusal shown with the server's reason.
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setRefusal(null);
    try {
      const message = await action();
      setBusy(false);
      setConfirming(null);
      props.onChanged(message);
      return;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        const code = redemptionRefusal(caught.problem?.code);
        setRefusal({
          code: caught.problem?.code ?? '',
          reason: code === null ? (caught.problem?.title ?? t('problem.unknown')) : t(kRefusalKeys[code]),
          detail: caught.problem?.detail ?? '',
        });
        setConfirming(null);
        props.onRefused();
      } else {
        setError(caught);
      }
    }
    setBusy(false);
  };

  const redeem = (reward: Reward, external_id: string) =>
    run(async () => {
      const outcome = await redeemReward(props.contact_id, reward.id, external_id);
      return t('rewards.redeemed', {
        name: outcome.reward.name,
        points: pointsPhrase(t, locale, outcome.redemption.points),
        balance: formatPoints(locale, outcome.points_balance),
      });
    });

  const cancel = (redemption: Redemption) =>
    run(async () => {
      const outcome = await cancelRedemption(redemption.id);
      return t('rewards.cancelled', {
        name: outcome.reward.name || nameOf(redemption.reward_id),
        points: pointsPhrase(t, locale, outcome.redemption.points),
        balance: formatPoints(locale, outcome.points_balance),
      });
    });

  const now_ms = Date.now();
  const offered = offeredRewards(rewards, now_ms);
  return (
    <div data-testid="card-rewards-section">
      <h3 class="loyalty-subheading">
        {t('rewards.card_heading')} <Link href="/loyalty/rewards" class="small">{t('rewards.title')}</Link>
      </h3>
      <p class="muted small" data-testid="rewards-balance" data-points={props.balance}>
        {t('rewards.card_balance', { points: pointsPhrase(t, locale, props.balance) })}
      </p>
      {refusal !== null && (
        <div class="form-error" role="alert" data-testid="rewards-refusal" data-code={refusal.code}>
          <p class="reward-refusal__reason">{refusal.reason}</p>
          {refusal.detail !== '' && <p class="reward-refusal__detail">{t('rewards.refused_detail', { detail: refusal.detail })}</p>}
        </div>
      )}
      {error !== null && <ProblemAlert error={error} />}
      {offered.length === 0 && !loading && <p class="muted">{t('rewards.card_none')}</p>}
      {offered.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="card-rewards">
            <thead>
              <tr>
                <th>{t('rewards.reward')}</th>
                <th class="numeric">{t('rewards.price')}</th>
                <th class="numeric">{t('rewards.in_stock')}</th>
                <th />
                {props.writable && <th class="table__actions" />}
              </tr>
            </thead>
            <tbody>
              {offered.map((reward) => {
                const asked = confirming?.kind === 'redeem' && confirming.reward_id === reward.id ? confirming : null;
                return (
                  <OfferedReward
                    key={reward.id}
                    reward={reward}
                    balance={props.balance}
                    held={heldQuantity(redemptions, reward.id)}
                    now_ms={now_ms}
                    writable={props.writable}
                    confirming={asked !== null}
                    busy={busy}
                    onAsk={() => {
                      setRefusal(null);
                      setConfirming({ kind: 'redeem', reward_id: reward.id, external_id: newExternalId() });
                    }}
                    onConfirm={() => {
                      if (asked !== null) void redeem(reward, asked.external_id);
                    }}
                    onDismiss={() => setConfirming(null)}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {!loading && reward_list.next !== null && (
        <div class="form__actions">
          <button type="button" class="button button--quiet" onClick={() => reward_list.loadMore()}>
            {t('loyalty.load_more')}
          </button>
        </div>
      )}
      <h3 class="loyalty-subheading">{t('rewards.redemptions')}</h3>
      {redemptions.length === 0 && !loading && <p class="muted">{t('rewards.redemptions_empty')}</p>}
      {redemptions.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="card-redemptions">
            <thead>
              <tr>
                <th>{t('loyalty.date')}</th>
                <th>{t('rewards.reward')}</th>
                <th class="numeric">{t('loyalty.points')}</th>
                <th>{t('rewards.state')}</th>
                {props.writable && <th class="table__actions" />}
              </tr>
            </thead>
            <tbody>
              {redemptions.map((redemption) => (
                <RedemptionRow
                  key={redemption.id}
                  redemption={redemption}
                  name={nameOf(redemption.reward_id)}
                  writable={props.writable}
                  confirming={confirming?.kind === 'cancel' && confirming.redemption_id === redemption.id}
                  busy={busy}
                  onAsk={() => {
                    setRefusal(null);
                    setConfirming({ kind: 'cancel', redemption_id: redemption.id });
                  }}
                  onConfirm={() => void cancel(redemption)}
                  onDismiss={() => setConfirming(null)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <p class="muted">{t('app.loading')}</p>}
      {!loading && redemption_list.next !== null && (
        <div class="form__actions">
          <button type="button" class="button button--quiet" data-testid="redemptions-more" onClick={() => redemption_list.loadMore()}>
            {t('loyalty.load_more')}
          </button>
        </div>
      )}
    </div>
  );
}
