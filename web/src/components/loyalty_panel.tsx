// The "Loyalty" panel of the client card (shown with `loyalty: read`): the points balance, pending
// points and what expires soon; the member's tier and what they need to reach or keep one (when
// the programme has tiers; components/loyalty_programme.tsx); the open lots; the statement of
// account (newest first, "Load more"; an earn row expands to the steps that explain its points, a
// bonus names its rule: welcome, birthday, referral, coupon); the rewards the member can spend
// points on, with "Redeem", and their redemptions with "Cancel" (loyalty_rewards.tsx); the
// member's personal coupons and referrals (loyalty_programme.tsx); the purchases, each with a
// "Refund" action for `loyalty: write` that asks for the amount and the reason and reports the
// points taken back; and, for `loyalty: admin`, the "Adjust points" form (signed points and a
// required reason; 409 insufficient_points is "not enough points"). After any change (and after a
// refused redemption, which means what the panel showed is out of date) the summary, the
// statement, the rewards and the purchases are fetched again, so the panel shows what the server
// stored.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, isAbort } from '../api/client';
import {
  adjustPoints,
  fetchLedger,
  fetchPurchases,
  fetchSummary,
  formatMoney,
  formatPoints,
  formatSignedPoints,
  minorToInput,
  parseMoneyInput,
  parseSignedPoints,
  refundPurchase,
  type LedgerItem,
  type LoyaltySummary,
  type Purchase,
} from '../api/loyalty';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { usePagedList } from '../use_paged_list';
import { formatDate, formatDay } from './contact_bits';
import { Field, FormError, Notice, inputValue } from './form';
import { PersonalCoupons, ReferralsSection, TierSection } from './loyalty_programme';
import { RewardsSection } from './loyalty_rewards';
import { ProblemAlert } from './problem_alert';

const kKindKeys: Readonly<Record<string, MessageKey>> = {
  earn: 'loyalty.kind.earn',
  release: 'loyalty.kind.release',
  redeem: 'loyalty.kind.redeem',
  redeem_cancel: 'loyalty.kind.redeem_cancel',
  expire: 'loyalty.kind.expire',
  refund: 'loyalty.kind.refund',
  adjust: 'loyalty.kind.adjust',
  bonus: 'loyalty.kind.bonus',
};

const kStateKeys: Readonly<Record<string, MessageKey>> = {
  pending: 'loyalty.state.pending',
  available: 'loyalty.state.available',
  spent: 'loyalty.state.spent',
  expired: 'loyalty.state.expired',
};

// The rule of a bonus entry (its explanation's `rule`).
const kBonusRuleKeys: Readonly<Record<string, MessageKey>> = {
  welcome: 'loyalty.bonus.welcome',
  birthday: 'loyalty.bonus.birthday',
  referral: 'loyalty.bonus.referral',
  coupon: 'loyalty.bonus.coupon',
};

const kStepKeys: Readonly<Record<string, MessageKey>> = {
  base: 'loyalty.step.base',
  category: 'loyalty.step.category',
  sku: 'loyalty.step.sku',
  promotion: 'loyalty.step.promotion',
  tier: 'loyalty.step.tier',
  minimum_spend: 'loyalty.step.minimum_spend',
  channel: 'loyalty.step.channel',
  no_rate: 'loyalty.step.no_rate',
  cap_day: 'loyalty.step.cap_day',
  cap_month: 'loyalty.step.cap_month',
};

function Summary(props: { summary: LoyaltySummary }) {
  const { t, locale, format } = useI18n();
  const { summary } = props;
  return (
    <>
      <dl class="facts loyalty-facts" data-testid="loyalty-summary">
        <div class="facts__row">
          <dt>{t('loyalty.balance')}</dt>
          <dd class="loyalty-balance" data-testid="loyalty-balance" data-points={summary.points_balance}>
            {formatPoints(locale, summary.points_balance)}
          </dd>
        </div>
        <div class="facts__row">
          <dt>{t('loyalty.pending')}</dt>
          <dd data-testid="loyalty-pending" data-points={summary.points_pending}>
            {formatPoints(locale, summary.points_pending)}
          </dd>
        </div>
        <div class="facts__row">
          <dt>{t('loyalty.expiring_soon')}</dt>
          <dd data-testid="loyalty-expiring">
            {formatPoints(locale, summary.expiring_soon)}
            {summary.next_expiry_at !== null && (
              <span class="muted small"> · {t('loyalty.next_expiry', { date: formatDay(format, summary.next_expiry_at) })}</span>
            )}
          </dd>
        </div>
      </dl>
      <p class="muted small">
        {t('loyalty.totals', {
          earned: formatPoints(locale, summary.earned_total),
          redeemed: formatPoints(locale, summary.redeemed_total),
          expired: formatPoints(locale, summary.expired_total),
        })}
        {summary.inactivity_expiry_at !== null && ` · ${t('loyalty.inactivity_expiry', { date: formatDay(format, summary.inactivity_expiry_at) })}`}
      </p>
    </>
  );
}

function Lots(props: { summary: LoyaltySummary }) {
  const { t, locale, format } = useI18n();
  const lots = props.summary.lots;
  return (
    <>
      <h3 class="loyalty-subheading">{t('loyalty.lots')}</h3>
      {lots.length === 0 ? (
        <p class="muted">{t('loyalty.no_lots')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="loyalty-lots">
            <thead>
              <tr>
                <th class="numeric">{t('loyalty.lot.points')}</th>
                <th class="numeric">{t('loyalty.lot.remaining')}</th>
                <th>{t('loyalty.lot.state')}</th>
                <th>{t('loyalty.lot.available_at')}</th>
                <th>{t('loyalty.lot.expires_at')}</th>
              </tr>
            </thead>
            <tbody>
              {lots.map((lot) => (
                <tr key={lot.id} data-testid="loyalty-lot" data-state={lot.state}>
                  <td class="numeric">{formatPoints(locale, lot.points)}</td>
                  <td class="numeric">{formatPoints(locale, lot.remaining)}</td>
                  <td>{kStateKeys[lot.state] ? t(kStateKeys[lot.state] as MessageKey) : lot.state}</td>
                  <td class="nowrap">{formatDay(format, lot.available_at)}</td>
                  <td class="nowrap">{lot.expires_at === null ? t('loyalty.lot.never') : formatDay(format, lot.expires_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function StatementRow(props: { item: LedgerItem }) {
  const { t, locale, format } = useI18n();
  const { item } = props;
  const kind_key = kKindKeys[item.kind];
  const bonus_key = item.bonus === null ? undefined : kBonusRuleKeys[item.bonus.rule];
  return (
    <tr data-testid="ledger-row" data-kind={item.kind} data-points={item.points} data-rule={item.bonus?.rule}>
      <td class="nowrap">{formatDate(format, item.occurred_at)}</td>
      <td>
        {item.bonus !== null ? (bonus_key ? t(bonus_key) : `${kind_key ? t(kind_key) : item.kind}: ${item.bonus.rule}`) : kind_key ? t(kind_key) : item.kind}
        {item.purchase_id !== null && <span class="muted small"> #{item.purchase_id}</span>}
        {item.kind === 'earn' && item.steps.length > 0 && (
          <details class="loyalty-why" data-testid="ledger-why">
            <summary>{t('loyalty.why')}</summary>
            <ol class="loyalty-steps">
              {item.steps.map((step, index) => (
                <li key={index} data-testid="ledger-step" data-rule={step.rule}>
                  <strong>{kStepKeys[step.rule] ? t(kStepKeys[step.rule] as MessageKey) : step.rule}</strong>
                  {step.detail !== '' && <span class="muted small"> {step.detail}</span>}
                  <span class="numeric"> {formatSignedPoints(locale, step.points)}</span>
                </li>
              ))}
            </ol>
            {item.rules_version !== null && <p class="muted small">{t('loyalty.why_version', { version: item.rules_version })}</p>}
          </details>
        )}
      </td>
      <td class="numeric nowrap" data-testid="ledger-points">
        {formatSignedPoints(locale, item.points)}
        {item.pending_change !== 0 && item.available_change === 0 && item.kind !== 'release' && (
          <span class="muted small loyalty-block">{t('loyalty.of_pending', { points: formatPoints(locale, Math.abs(item.pending_change)) })}</span>
        )}
      </td>
      <td>
        {item.reason}
        {item.actor !== '' && <span class="muted small loyalty-block">{item.actor}</span>}
      </td>
    </tr>
  );
}

function Statement(props: { contact_id: number; generation: number }) {
  const { t } = useI18n();
  const { items, next, loading, error, loadMore } = usePagedList((cursor, signal) => fetchLedger(props.contact_id, cursor, signal), [props.contact_id, props.generation]);

  return (
    <>
      <h3 class="loyalty-subheading">{t('loyalty.statement')}</h3>
      {error !== null && <ProblemAlert error={error} />}
      {items.length === 0 && !loading && <p class="muted">{t('loyalty.statement_empty')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="loyalty-statement">
            <thead>
              <tr>
                <th>{t('loyalty.date')}</th>
                <th>{t('loyalty.kind')}</th>
                <th class="numeric">{t('loyalty.points')}</th>
                <th>{t('loyalty.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <StatementRow key={item.id} item={item} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <p class="muted">{t('app.loading')}</p>}
      {!loading && next !== null && (
        <div class="form__actions">
          <button type="button" class="button button--quiet" data-testid="ledger-more" onClick={() => loadMore()}>
            {t('loyalty.load_more')}
          </button>
        </div>
      )}
    </>
  );
}

function RefundForm(props: { purchase: Purchase; onDone: (message: string) => void; onCancel: () => void }) {
  const { t, locale } = useI18n();
  const { purchase } = props;
  const refundable_minor = purchase.total_minor - purchase.refunded_minor;
  const [amount, setAmount] = useState(() => minorToInput(refundable_minor, purchase.currency));
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `refund-${purchase.id}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    setError(null);
    const amount_minor = parseMoneyInput(amount, purchase.currency);
    if (amount_minor === null) {
      setMessage(t('loyalty.refund_bad_amount', { currency: purchase.currency }));
      return;
    }
    setBusy(true);
    try {
      const recorded = await refundPurchase(purchase.id, amount_minor, reason.trim());
      setBusy(false);
      const done = t('loyalty.refund_done', {
        amount: formatMoney(locale, recorded.refund.amount_minor, recorded.purchase.currency),
        points: formatPoints(locale, recorded.refund.points_reversed),
      });
      const written_off = recorded.refund.points_written_off > 0 ? ` ${t('loyalty.refund_written_off', { points: formatPoints(locale, recorded.refund.points_written_off) })}` : '';
      props.onDone(done + written_off);
      return;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409 && caught.problem?.code === 'refund_exceeds_purchase') setMessage(t('loyalty.refund_too_much'));
      else setError(caught);
    }
    setBusy(false);
  };

  return (
    <form class="form form--grid loyalty-form" data-testid="refund-form" onSubmit={submit} noValidate>
      <p class="loyalty-form__title">{t('loyalty.refund_of', { id: purchase.id })}</p>
      {message !== null && <FormError>{message}</FormError>}
      {error !== null && <ProblemAlert error={error} />}
      <Field id={`${id}-amount`} label={t('loyalty.refund_amount', { currency: purchase.currency })} hint={t('loyalty.refund_amount_hint', { amount: formatMoney(locale, refundable_minor, purchase.currency) })}>
        <input
          id={`${id}-amount`}
          name="amount"
          class="input input--short"
          inputMode="decimal"
          value={amount}
          aria-describedby={`${id}-amount-hint`}
          onInput={(event) => setAmount(inputValue(event))}
        />
      </Field>
      <Field id={`${id}-reason`} label={t('loyalty.refund_reason')}>
        <input id={`${id}-reason`} name="reason" class="input" value={reason} onInput={(event) => setReason(inputValue(event))} />
      </Field>
      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>
          {t('loyalty.refund_submit')}
        </button>
        <button type="button" class="button button--quiet" onClick={props.onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function Purchases(props: { contact_id: number; generation: number; writable: boolean; onChanged: (message: string) => void; onLoaded: (any: boolean) => void }) {
  const { t, locale, format } = useI18n();
  const { items, next, loading, error, loadMore } = usePagedList(
    (cursor, signal) => fetchPurchases(props.contact_id, cursor, signal),
    [props.contact_id, props.generation],
    (page) => props.onLoaded(page.items.length > 0),
  );
  const [refunding, setRefunding] = useState<number | null>(null);

  const refunding_purchase = items.find((item) => item.id === refunding) ?? null;
  return (
    <>
      <h3 class="loyalty-subheading">{t('loyalty.purchases')}</h3>
      {error !== null && <ProblemAlert error={error} />}
      {items.length === 0 && !loading && <p class="muted">{t('loyalty.no_purchases')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="loyalty-purchases">
            <thead>
              <tr>
                <th>{t('loyalty.date')}</th>
                <th class="numeric">{t('loyalty.purchase.total')}</th>
                <th class="numeric">{t('loyalty.purchase.earned')}</th>
                <th class="numeric">{t('loyalty.purchase.refunded')}</th>
                {props.writable && <th class="table__actions" />}
              </tr>
            </thead>
            <tbody>
              {items.map((purchase) => (
                <tr key={purchase.id} data-testid="purchase-row" data-purchase-id={purchase.id}>
                  <td class="nowrap">
                    {formatDate(format, purchase.occurred_at)} <span class="muted small">#{purchase.id}</span>
                  </td>
                  <td class="numeric nowrap">{formatMoney(locale, purchase.total_minor, purchase.currency)}</td>
                  <td class="numeric">{formatPoints(locale, purchase.points_earned)}</td>
                  <td class="numeric nowrap">
                    {purchase.refunded_minor > 0 ? formatMoney(locale, purchase.refunded_minor, purchase.currency) : '—'}
                    {purchase.points_reversed !== 0 && <span class="muted small loyalty-block">{formatSignedPoints(locale, -Math.abs(purchase.points_reversed))}</span>}
                  </td>
                  {props.writable && (
                    <td class="table__actions">
                      {purchase.refunded_minor < purchase.total_minor && (
                        <button type="button" class="button button--quiet" data-testid="refund-button" onClick={() => setRefunding(purchase.id)}>
                          {t('loyalty.refund')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {refunding_purchase !== null && (
        <RefundForm
          key={refunding_purchase.id}
          purchase={refunding_purchase}
          onCancel={() => setRefunding(null)}
          onDone={(message) => {
            setRefunding(null);
            props.onChanged(message);
          }}
        />
      )}
      {loading && <p class="muted">{t('app.loading')}</p>}
      {!loading && next !== null && (
        <div class="form__actions">
          <button type="button" class="button button--quiet" data-testid="purchases-more" onClick={() => loadMore()}>
            {t('loyalty.load_more')}
          </button>
        </div>
      )}
    </>
  );
}

function AdjustForm(props: { contact_id: number; onDone: (message: string) => void }) {
  const { t, locale } = useI18n();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    setError(null);
    const value = parseSignedPoints(points);
    if (value === null) {
      setMessage(t('loyalty.adjust_bad_points'));
      return;
    }
    if (reason.trim() === '') {
      setMessage(t('loyalty.adjust_reason_required'));
      return;
    }
    setBusy(true);
    try {
      const item = await adjustPoints(props.contact_id, value, reason.trim());
      setBusy(false);
      setPoints('');
      setReason('');
      props.onDone(t('loyalty.adjust_done', { points: formatSignedPoints(locale, item.points) }));
      return;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) setMessage(t('loyalty.adjust_insufficient'));
      else setError(caught);
    }
    setBusy(false);
  };

  return (
    <form class="form form--grid loyalty-form" data-testid="adjust-form" onSubmit={submit} noValidate>
      <p class="loyalty-form__title">{t('loyalty.adjust')}</p>
      {message !== null && <FormError>{message}</FormError>}
      {error !== null && <ProblemAlert error={error} />}
      <Field id="adjust-points" label={t('loyalty.adjust_points')}>
        <input id="adjust-points" name="points" class="input input--short" inputMode="numeric" value={points} onInput={(event) => setPoints(inputValue(event))} />
      </Field>
      <Field id="adjust-reason" label={t('loyalty.adjust_reason')}>
        <input id="adjust-reason" name="reason" class="input" required value={reason} onInput={(event) => setReason(inputValue(event))} />
      </Field>
      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>
          {t('loyalty.adjust_submit')}
        </button>
      </div>
    </form>
  );
}

export function LoyaltyPanel(props: { contact_id: number; writable: boolean; admin: boolean }) {
  const { t } = useI18n();
  const [summary, setSummary] = useState<LoyaltySummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  // Whether the member has bought anything (null until known): a referral is recorded before that.
  const [bought, setBought] = useState<boolean | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchSummary(props.contact_id, controller.signal).then(
      (value) => {
        setSummary(value);
        setError(null);
      },
      (caught: unknown) => {
        if (!isAbort(caught)) setError(caught);
      },
    );
    return () => controller.abort();
  }, [props.contact_id, generation]);

  const changed = useCallback((message: string) => {
    setNotice(message);
    setGeneration((value) => value + 1);
  }, []);

  const refresh = useCallback(() => {
    setNotice(null);
    setGeneration((value) => value + 1);
  }, []);

  return (
    <section class="card loyalty" aria-labelledby="loyalty-panel-heading" data-testid="loyalty-panel">
      <div class="card__header">
        <h2 id="loyalty-panel-heading">{t('loyalty.panel')}</h2>
      </div>
      {error !== null && <ProblemAlert error={error} onRetry={() => setGeneration((value) => value + 1)} />}
      {notice !== null && <Notice testid="loyalty-notice">{notice}</Notice>}
      {summary === null && error === null && <p class="muted">{t('app.loading')}</p>}
      {summary !== null && (
        <>
          <Summary summary={summary} />
          {summary.tier !== null && <TierSection tier={summary.tier} />}
          <Lots summary={summary} />
          <RewardsSection
            contact_id={props.contact_id}
            balance={summary.points_balance}
            writable={props.writable}
            generation={generation}
            onChanged={changed}
            onRefused={refresh}
          />
        </>
      )}
      <Statement contact_id={props.contact_id} generation={generation} />
      <Purchases contact_id={props.contact_id} generation={generation} writable={props.writable} onChanged={changed} onLoaded={setBought} />
      <PersonalCoupons contact_id={props.contact_id} admin={props.admin} />
      <ReferralsSection contact_id={props.contact_id} writable={props.writable} can_be_referred={bought === false} generation={generation} />
      {props.admin && <AdjustForm contact_id={props.contact_id} onDone={changed} />}
    </section>
  );
}
