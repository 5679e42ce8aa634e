// The programme's parts of the client card's loyalty panel: the member's tier (a badge with its
// name, its discount, service level and earning multiplier; what they need to reach the next tier
// and to keep this one at its review; the grace period when there is one), their personal coupons
// (with "Give a personal discount" for `loyalty: admin`) and their referrals (their code, or "Give
// a referral code" for `loyalty: write`; who referred them, with a link to that card, or, before
// their first purchase, a form to record the code they came with; the members they brought, each linked to its card, with its
// state, and how many were rewarded). The texts come from the pure helpers of loyalty_logic.ts.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { formatMoney, type MemberTier } from '../api/loyalty';
import { createCoupon, fetchCoupons, fetchReferrals, fetchTiers, giveReferralCode, recordReferral, type Coupon, type Referral } from '../api/programme';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import {
  browserZone,
  couponState,
  couponValueText,
  dayEndInstant,
  earnMultiplier,
  purchaseCount,
  tierKeepText,
  tierReachText,
  wholeNumber,
  type CouponState,
} from '../loyalty_logic';
import { Link } from '../router';
import { usePagedList } from '../use_paged_list';
import { FieldMessage, fieldErrors, formatDate } from './contact_bits';
import { Field, FormError, Notice, inputValue } from './form';
import { ProblemAlert } from './problem_alert';
import { StatusBadge, type BadgeTone } from './status_badge';

export const kCouponStateKeys: Readonly<Record<CouponState, MessageKey>> = {
  active: 'coupon.state.active',
  inactive: 'coupon.state.inactive',
  scheduled: 'coupon.state.scheduled',
  expired: 'coupon.state.expired',
  used_up: 'coupon.state.used_up',
};

export const kCouponStateTones: Readonly<Record<CouponState, BadgeTone>> = {
  active: 'ok',
  inactive: 'neutral',
  scheduled: 'neutral',
  expired: 'bad',
  used_up: 'bad',
};

// A calendar day in the browser's zone (reviews and coupon ends fall on local midnights).
export function useLocalDay(): (instant: string | null) => string {
  const { locale } = useI18n();
  return (instant) => {
    if (instant === null || instant === '') return '';
    const at_ms = Date.parse(instant);
    return Number.isNaN(at_ms) ? instant : new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(at_ms);
  };
}

// ---- the tier

export function TierSection(props: { tier: MemberTier }) {
  const { t, locale } = useI18n();
  const day = useLocalDay();
  const { tier } = props;
  // The qualification decides between "or" and "and" in the texts; the summary does not carry it.
  const [qualification, setQualification] = useState('');

  useEffect(() => {
    const controller = new AbortController();
    fetchTiers(controller.signal).then(
      (overview) => setQualification(overview.programme.qualification),
      () => setQualification(''),
    );
    return () => controller.abort();
  }, []);

  const current = tier.current;
  const reach = tierReachText(t, locale, tier, qualification);
  const keep = tierKeepText(t, locale, tier, qualification, (instant) => day(instant));
  return (
    <div class="tier" data-testid="tier-section">
      <h3 class="loyalty-subheading">{t('tier.heading')}</h3>
      <p class="tier__badge-line">
        {current === null ? (
          <span data-testid="tier-badge" data-tier="">
            <StatusBadge tone="neutral" label={t('tier.none')} />
          </span>
        ) : (
          <span data-testid="tier-badge" data-tier={current.key}>
            <StatusBadge tone="ok" label={current.name || current.key} />
          </span>
        )}
        {current !== null && (
          <span class="badges tier__benefits" data-testid="tier-benefits">
            <span class="badge badge--neutral">{t('tier.discount', { percent: current.discount_percent })}</span>
            <span class="badge badge--neutral">{t('tier.earning', { multiplier: earnMultiplier(locale, current.earn_percent) })}</span>
            {current.sla_class !== '' && <span class="badge badge--neutral">{t('tier.sla', { sla: current.sla_class })}</span>}
          </span>
        )}
      </p>
      {current !== null && tier.since !== null && (
        <p class="muted small">
          {t('tier.since', { date: day(tier.since) })}
          {tier.review_at !== null && tier.grace_until === null && ` · ${t('tier.review', { date: day(tier.review_at) })}`}
        </p>
      )}
      {tier.grace_until !== null && current !== null && (
        <p class="notice notice--warning" role="status" data-testid="tier-grace">
          {t('tier.grace', { tier: current.name || current.key, date: day(tier.grace_until) })}
        </p>
      )}
      <p class="muted small" data-testid="tier-window">
        {t('tier.window', {
          months: tier.window_months,
          amount: formatMoney(locale, tier.progress.spend_minor, tier.currency),
          purchases: purchaseCount(t, locale, tier.progress.purchases),
        })}
      </p>
      {reach !== null && (
        <p class="tier__need" data-testid="tier-reach">
          {reach}
        </p>
      )}
      {keep !== null && (
        <p class="tier__need" data-testid="tier-keep">
          {keep}
        </p>
      )}
    </div>
  );
}

// ---- personal coupons

function PersonalCouponForm(props: { contact_id: number; onCreated: (coupon: Coupon) => void }) {
  const { t, locale } = useI18n();
  const [kind, setKind] = useState<'percent_off' | 'points'>('percent_off');
  const [value, setValue] = useState('');
  const [until, setUntil] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    setErrors({});
    setError(null);
    const amount = wholeNumber(value);
    if (amount === null || amount <= 0) {
      setMessage(t(kind === 'points' ? 'personal.bad_points' : 'personal.bad_percent'));
      return;
    }
    const valid_until = until === '' ? null : dayEndInstant(until, browserZone());
    if (until !== '' && valid_until === null) {
      setMessage(t('coupon.problem.day'));
      return;
    }
    const shape = kind === 'points' ? { kind, points: amount, percent_off: 0, amount_off_minor: 0, currency: '' } : { kind, points: 0, percent_off: amount, amount_off_minor: 0, currency: '' };
    setBusy(true);
    try {
      const coupon = await createCoupon({
        name: t('personal.name', { value: couponValueText(t, locale, shape) }),
        kind,
        ...(kind === 'points' ? { points: amount } : { percent_off: amount }),
        contact_id: props.contact_id,
        ...(valid_until === null ? {} : { valid_until }),
      });
      setBusy(false);
      setValue('');
      setUntil('');
      props.onCreated(coupon);
      return;
    } catch (caught) {
      const by_field = fieldErrors(caught);
      if (Object.keys(by_field).length > 0) setErrors(by_field);
      else setError(caught);
    }
    setBusy(false);
  };

  const value_problem = errors[kind] ?? errors.points ?? errors.percent_off;
  return (
    <form class="form form--grid loyalty-form" data-testid="personal-coupon-form" onSubmit={submit} noValidate>
      <p class="loyalty-form__title">{t('personal.give')}</p>
      {message !== null && <FormError>{message}</FormError>}
      {error !== null && <ProblemAlert error={error} />}
      {Object.keys(errors).length > 0 && <FormError>{t('rules.fix_fields')}</FormError>}
      <Field id="personal-kind" label={t('personal.kind')}>
        <select id="personal-kind" class="input input--select" value={kind} onChange={(event) => setKind(inputValue(event) === 'points' ? 'points' : 'percent_off')}>
          <option value="percent_off">{t('coupon.kind.percent_off')}</option>
          <option value="points">{t('coupon.kind.points')}</option>
        </select>
      </Field>
      <Field id="personal-value" label={t(kind === 'points' ? 'personal.points' : 'personal.percent')}>
        <input
          id="personal-value"
          class="input input--short"
          inputMode="numeric"
          value={value}
          aria-invalid={value_problem ? 'true' : undefined}
          aria-describedby={value_problem ? 'personal-value-error' : undefined}
          onInput={(event) => setValue(inputValue(event))}
        />
        <FieldMessage id="personal-value" message={value_problem} />
      </Field>
      <Field id="personal-until" label={t('personal.until')} hint={t('personal.until_hint')}>
        <input
          id="personal-until"
          class="input"
          type="date"
          value={until}
          aria-describedby={errors.valid_until ? 'personal-until-hint personal-until-error' : 'personal-until-hint'}
          onInput={(event) => setUntil(inputValue(event))}
        />
        <FieldMessage id="personal-until" message={errors.valid_until} />
      </Field>
      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>
          {t('personal.submit')}
        </button>
      </div>
    </form>
  );
}

export function PersonalCoupons(props: { contact_id: number; admin: boolean }) {
  const { t, locale } = useI18n();
  const day = useLocalDay();
  const { items, next, loading, error, loadMore, reload } = usePagedList(
    (cursor, signal) => fetchCoupons({ contact_id: props.contact_id, include_inactive: true }, cursor, signal),
    [props.contact_id],
  );
  const [notice, setNotice] = useState<string | null>(null);

  const now_ms = Date.now();
  return (
    <div data-testid="personal-coupons">
      <h3 class="loyalty-subheading">{t('personal.heading')}</h3>
      {error !== null && <ProblemAlert error={error} />}
      {notice !== null && <Notice testid="personal-notice">{notice}</Notice>}
      {items.length === 0 && !loading && <p class="muted">{t('personal.none')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>{t('coupons.code')}</th>
                <th>{t('coupons.value')}</th>
                <th>{t('coupons.valid_until')}</th>
                <th class="numeric">{t('coupons.uses')}</th>
                <th>{t('coupons.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((coupon) => {
                const state = couponState(coupon, now_ms);
                return (
                  <tr key={coupon.id} data-testid="personal-coupon" data-code={coupon.code} data-state={state}>
                    <td>
                      <code>{coupon.code}</code>
                      <span class="muted small loyalty-block">{coupon.name}</span>
                    </td>
                    <td>{couponValueText(t, locale, coupon)}</td>
                    <td class="nowrap">{coupon.valid_until === null ? '—' : day(coupon.valid_until)}</td>
                    <td class="numeric">{coupon.max_uses === null ? coupon.uses : `${coupon.uses} / ${coupon.max_uses}`}</td>
                    <td>
                      <StatusBadge tone={kCouponStateTones[state]} label={t(kCouponStateKeys[state])} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {loading && <p class="muted">{t('app.loading')}</p>}
      {!loading && next !== null && (
        <div class="form__actions">
          <button type="button" class="button button--quiet" onClick={() => loadMore()}>
            {t('loyalty.load_more')}
          </button>
        </div>
      )}
      {props.admin && (
        <PersonalCouponForm
          contact_id={props.contact_id}
          onCreated={(coupon) => {
            setNotice(t('personal.created', { code: coupon.code, value: couponValueText(t, locale, coupon) }));
            reload();
          }}
        />
      )}
    </div>
  );
}

// ---- referrals

const kReferralStateKeys: Readonly<Record<string, MessageKey>> = {
  pending: 'referrals.state.pending',
  rewarded: 'referrals.state.rewarded',
};

function ReferralState(props: { referral: Referral }) {
  const { t } = useI18n();
  const key = kReferralStateKeys[props.referral.state];
  return <StatusBadge tone={props.referral.state === 'rewarded' ? 'ok' : 'neutral'} label={key ? t(key) : props.referral.state} />;
}

function ReferredByForm(props: { contact_id: number; onDone: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    setError(null);
    if (code.trim() === '') {
      setProblem(t('referrals.code_required'));
      return;
    }
    setBusy(true);
    try {
      await recordReferral(props.contact_id, code.trim());
      setBusy(false);
      setCode('');
      props.onDone();
      return;
    } catch (caught) {
      const by_field = fieldErrors(caught);
      const field_problem = by_field.code ?? Object.values(by_field)[0];
      if (field_problem !== undefined) setProblem(field_problem);
      else if (caught instanceof ApiError && caught.status === 409) setProblem(caught.problem?.detail ?? caught.problem?.title ?? t('referrals.conflict'));
      else setError(caught);
    }
    setBusy(false);
  };

  return (
    <form class="inline-form referral-form" data-testid="referred-by-form" onSubmit={submit} noValidate>
      <label for="referred-by-code">{t('referrals.came_with')}</label>
      <input
        id="referred-by-code"
        class="input"
        value={code}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? 'referred-by-code-error' : undefined}
        onInput={(event) => setCode(inputValue(event))}
      />
      <button type="submit" class="button button--quiet" disabled={busy}>
        {t('referrals.record')}
      </button>
      <FieldMessage id="referred-by-code" message={problem} />
      {error !== null && <ProblemAlert error={error} />}
    </form>
  );
}

export function ReferralsSection(props: { contact_id: number; writable: boolean; can_be_referred: boolean; generation: number }) {
  const { t, format } = useI18n();
  const [code, setCode] = useState<string | null>(null);
  const [referred_by, setReferredBy] = useState<Referral | null>(null);
  const [rewarded, setRewarded] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  // The members they brought are the list; the rest of the graph comes with its first page.
  const { items, next, loading, error, setError, loadMore, reload } = usePagedList(
    (cursor, signal) => fetchReferrals(props.contact_id, cursor, signal).then((graph) => ({ ...graph, items: graph.referrals })),
    [props.contact_id, props.generation],
    (graph) => {
      setCode(graph.code);
      setReferredBy(graph.referred_by);
      setRewarded(graph.rewarded);
      setLoaded(true);
    },
  );

  const give = async () => {
    setError(null);
    setBusy(true);
    try {
      setCode(await giveReferralCode(props.contact_id));
    } catch (caught) {
      setError(caught);
    }
    setBusy(false);
  };

  return (
    <div data-testid="referrals">
      <h3 class="loyalty-subheading">{t('referrals.heading')}</h3>
      {error !== null && <ProblemAlert error={error} />}
      {loaded && (
        <>
          <p data-testid="referral-code-line">
            {t('referrals.code')}{' '}
            {code !== null ? (
              <code class="referral-code" data-testid="referral-code">
                {code}
              </code>
            ) : props.writable ? (
              <button type="button" class="button button--quiet" data-testid="give-referral-code" disabled={busy} onClick={() => void give()}>
                {t('referrals.give_code')}
              </button>
            ) : (
              <span class="muted">{t('referrals.no_code')}</span>
            )}
          </p>
          {referred_by !== null ? (
            <p data-testid="referred-by">
              {t('referrals.referred_by')}{' '}
              <Link href={`/contacts/${referred_by.referrer_id}`} data-testid="referrer-link">
                {t('referrals.member', { id: referred_by.referrer_id })}
              </Link>{' '}
              <span class="muted small">
                {formatDate(format, referred_by.referred_at)} · <code>{referred_by.code}</code>
              </span>{' '}
              <ReferralState referral={referred_by} />
            </p>
          ) : (
            props.writable && props.can_be_referred && <ReferredByForm contact_id={props.contact_id} onDone={reload} />
          )}
          <p class="muted small" data-testid="referrals-rewarded" data-rewarded={rewarded}>
            {t('referrals.rewarded', { count: rewarded })}
          </p>
          {items.length === 0 ? (
            <p class="muted">{t('referrals.none')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table" data-testid="referrals-table">
                <thead>
                  <tr>
                    <th>{t('referrals.referred')}</th>
                    <th>{t('referrals.referred_at')}</th>
                    <th>{t('referrals.state')}</th>
                    <th>{t('referrals.rewarded_at')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((referral) => (
                    <tr key={referral.id} data-testid="referral-row" data-referred={referral.referred_id} data-state={referral.state}>
                      <td>
                        <Link href={`/contacts/${referral.referred_id}`}>{t('referrals.member', { id: referral.referred_id })}</Link>
                      </td>
                      <td class="nowrap">{formatDate(format, referral.referred_at)}</td>
                      <td>
                        <ReferralState referral={referral} />
                      </td>
                      <td class="nowrap">{referral.rewarded_at === null ? '—' : formatDate(format, referral.rewarded_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {loading && <p class="muted">{t('app.loading')}</p>}
      {!loading && next !== null && (
        <div class="form__actions">
          <button type="button" class="button button--quiet" onClick={() => loadMore()}>
            {t('loyalty.load_more')}
          </button>
        </div>
      )}
    </div>
  );
}
