// The "Rewards" page (/loyalty/rewards, `loyalty: read`; created and changed with `loyalty: admin`):
// the rewards catalogue by id with "Load more" and an "include inactive" toggle (name, kind and
// description, price in points, what is left in stock, the per-client limit, the availability
// window and the state); the create form (name, description, kind, price, stock, limit, first
// and last day in the browser's zone, whether it is offered; 422 field errors shown next to their
// fields); per row "Edit" (the same form, sending only what changed: a stock change is one field)
// and Activate/Deactivate.
import { useState } from 'preact/hooks';
import { formatPoints } from '../api/loyalty';
import { createReward, fetchRewards, kRewardKinds, updateReward, type Reward } from '../api/rewards';
import { FieldMessage, fieldErrors } from '../components/contact_bits';
import { Field, FormError, Notice, inputValue } from '../components/form';
import { useLocalDay } from '../components/loyalty_programme';
import { kRewardKindKeys, kRewardStateKeys, kRewardStateTones, RewardNameCell } from '../components/loyalty_rewards';
import { ProblemAlert } from '../components/problem_alert';
import { StatusBadge } from '../components/status_badge';
import { useI18n } from '../i18n/context';
import { browserZone } from '../loyalty_logic';
import { PageHeading } from '../page_heading';
import { draftOfReward, kNewReward, pointsPhrase, rewardOfDraft, rewardPatchOfDraft, rewardState, rewardWindowText, stockText, type RewardDraft } from '../rewards_logic';
import { useSession } from '../session';
import { usePagedList } from '../use_paged_list';

type TextField = Exclude<keyof RewardDraft, 'active'>;

const kCreateHeadingId = 'create-reward-heading';

// The form of a new reward (`reward` null) or of a change to one.
function RewardForm(props: { reward: Reward | null; onDone: (reward: Reward) => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const zone = browserZone();
  const [initial] = useState<RewardDraft>(() => (props.reward === null ? { ...kNewReward } : draftOfReward(props.reward, zone)));
  const [draft, setDraft] = useState<RewardDraft>(initial);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editing = props.reward;
  const prefix = editing === null ? 'reward-new' : `reward-${editing.id}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblems({});
    setMessage(null);
    setError(null);
    const local = editing === null ? rewardOfDraft(draft, zone) : rewardPatchOfDraft(initial, draft, zone);
    if (Object.keys(local.problems).length > 0) {
      setProblems(Object.fromEntries(Object.entries(local.problems).map(([field, key]) => [field, t(key)])));
      return;
    }
    setBusy(true);
    try {
      let reward: Reward;
      if (editing === null) {
        reward = await createReward(rewardOfDraft(draft, zone).body);
      } else {
        const { patch } = rewardPatchOfDraft(initial, draft, zone);
        if (Object.keys(patch).length === 0) {
          setBusy(false);
          setMessage(t('rewards.unchanged'));
          return;
        }
        reward = await updateReward(editing.id, patch);
      }
      setBusy(false);
      if (editing === null) setDraft({ ...kNewReward, kind: draft.kind });
      props.onDone(reward);
      return;
    } catch (caught) {
      const by_field = fieldErrors(caught);
      if (Object.keys(by_field).length > 0) setProblems(by_field);
      else setError(caught);
    }
    setBusy(false);
  };

  const input = (key: TextField, label: string, options: { hint?: string; type?: string; short?: boolean; numeric?: boolean } = {}) => {
    const id = `${prefix}-${key}`;
    const problem = problems[key];
    const described = [options.hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter((part) => part !== '').join(' ');
    return (
      <Field id={id} label={label} hint={options.hint}>
        <input
          id={id}
          name={key}
          class={options.short ? 'input input--short' : 'input'}
          type={options.type ?? 'text'}
          inputMode={options.numeric ? 'numeric' : undefined}
          value={draft[key]}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={described === '' ? undefined : described}
          onInput={(event) => setDraft({ ...draft, [key]: inputValue(event) })}
        />
        <FieldMessage id={id} message={problem} />
      </Field>
    );
  };

  const shown = new Set<string>(['name', 'description', 'kind', 'points_price', 'stock', 'per_customer_limit', 'available_from', 'available_until', 'active']);
  const unplaced = Object.entries(problems).filter(([field]) => !shown.has(field));
  const heading_id = editing === null ? kCreateHeadingId : `${prefix}-heading`;
  return (
    <form
      class={editing === null ? 'form form--grid' : 'form form--grid loyalty-form'}
      data-testid={editing === null ? 'create-reward-form' : 'edit-reward-form'}
      aria-labelledby={heading_id}
      onSubmit={submit}
      noValidate
    >
      {editing !== null && (
        <p class="loyalty-form__title" id={heading_id}>
          {t('rewards.edit_heading', { name: editing.name })}
        </p>
      )}
      {Object.keys(problems).length > 0 && <FormError>{t('rules.fix_fields')}</FormError>}
      {unplaced.length > 0 && (
        <ul class="form-error">
          {unplaced.map(([field, reason]) => (
            <li key={field}>
              <code>{field}</code>: {reason}
            </li>
          ))}
        </ul>
      )}
      {message !== null && <Notice>{message}</Notice>}
      {error !== null && <ProblemAlert error={error} />}
      {input('name', t('rewards.name'))}
      {input('description', t('rewards.description'))}
      <Field id={`${prefix}-kind`} label={t('rewards.kind')}>
        <select id={`${prefix}-kind`} name="kind" class="input input--select" value={draft.kind} onChange={(event) => setDraft({ ...draft, kind: inputValue(event) })}>
          {kRewardKinds.map((kind) => (
            <option key={kind} value={kind}>
              {t(kRewardKindKeys[kind] ?? 'rewards.kind.goods')}
            </option>
          ))}
        </select>
        <FieldMessage id={`${prefix}-kind`} message={problems.kind} />
      </Field>
      {input('points_price', t('rewards.points_price'), { short: true, numeric: true })}
      {input('stock', t('rewards.stock'), { hint: t('rewards.stock_hint'), short: true, numeric: true })}
      {input('per_customer_limit', t('rewards.per_customer_limit'), { hint: t('rewards.per_customer_limit_hint'), short: true, numeric: true })}
      {input('available_from', t('rewards.available_from'), { type: 'date', hint: t('rewards.available_from_hint') })}
      {input('available_until', t('rewards.available_until'), { type: 'date', hint: t('rewards.available_until_hint') })}
      <div class="field">
        <label class="choice__option">
          <input
            type="checkbox"
            name="active"
            checked={draft.active}
            aria-invalid={problems.active ? 'true' : undefined}
            onChange={(event) => setDraft({ ...draft, active: (event.currentTarget as HTMLInputElement).checked })}
          />{' '}
          {t('rewards.active')}
        </label>
        <FieldMessage id={`${prefix}-active`} message={problems.active} />
      </div>
      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>
          {editing === null ? t('rewards.create_submit') : t('rewards.save')}
        </button>
        {props.onCancel && (
          <button type="button" class="button button--quiet" onClick={props.onCancel}>
            {t('app.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function RewardRow(props: { reward: Reward; manage: boolean; now_ms: number; onEdit: (reward: Reward) => void; onToggle: (reward: Reward) => Promise<void> }) {
  const { t, locale } = useI18n();
  const day = useLocalDay();
  const { reward } = props;
  const state = rewardState(reward, props.now_ms);
  return (
    <tr data-testid="reward-row" data-reward-id={reward.id} data-name={reward.name} data-state={state} data-active={reward.active ? 'true' : 'false'} data-stock={reward.stock ?? ''}>
      <RewardNameCell reward={reward} />
      <td class="numeric nowrap" data-testid="reward-price">
        {pointsPhrase(t, locale, reward.points_price)}
      </td>
      <td class="numeric nowrap" data-testid="reward-stock">
        {stockText(t, locale, reward.stock)}
      </td>
      <td class="numeric nowrap">{reward.per_customer_limit === null ? <span class="muted">{t('rewards.no_limit')}</span> : formatPoints(locale, reward.per_customer_limit)}</td>
      <td class="nowrap" data-testid="reward-window">
        {rewardWindowText(t, day, reward)}
      </td>
      <td>
        <StatusBadge tone={kRewardStateTones[state]} label={t(kRewardStateKeys[state])} />
      </td>
      {props.manage && (
        <td class="table__actions">
          <button type="button" class="button button--quiet" data-testid="reward-edit" onClick={() => props.onEdit(reward)}>
            {t('rewards.edit')}
          </button>
          <button type="button" class="button button--quiet" data-testid="reward-toggle" onClick={() => void props.onToggle(reward)}>
            {reward.active ? t('rewards.deactivate') : t('rewards.activate')}
          </button>
        </td>
      )}
    </tr>
  );
}

export function LoyaltyRewardsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const manage = can('loyalty', 'admin');
  const [include_inactive, setIncludeInactive] = useState(false);
  const { items, next, loading, error, setError, loadMore, reload } = usePagedList((cursor, signal) => fetchRewards({ include_inactive }, cursor, signal), [include_inactive]);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<Reward | null>(null);

  const toggle = async (reward: Reward) => {
    setError(null);
    setNotice(null);
    try {
      const changed = await updateReward(reward.id, { active: !reward.active });
      setNotice(t(changed.active ? 'rewards.activated' : 'rewards.deactivated', { name: changed.name }));
    } catch (caught) {
      setError(caught);
    }
    reload();
  };

  const now_ms = Date.now();
  return (
    <>
      <PageHeading>{t('rewards.title')}</PageHeading>
      {manage && (
        <section class="card" aria-labelledby={kCreateHeadingId}>
          <div class="card__header">
            <h2 id={kCreateHeadingId}>{t('rewards.create_heading')}</h2>
          </div>
          <RewardForm
            reward={null}
            onDone={(reward) => {
              setNotice(t('rewards.created', { name: reward.name }));
              reload();
            }}
          />
        </section>
      )}
      <section class="card" aria-labelledby="rewards-heading">
        <div class="card__header">
          <h2 id="rewards-heading">{t('rewards.list_heading')}</h2>
          <label class="choice__option">
            <input
              type="checkbox"
              data-testid="rewards-include-inactive"
              checked={include_inactive}
              onChange={(event) => setIncludeInactive((event.currentTarget as HTMLInputElement).checked)}
            />{' '}
            {t('rewards.include_inactive')}
          </label>
          <button type="button" class="button button--quiet" onClick={reload}>
            {t('app.refresh')}
          </button>
        </div>
        {notice !== null && <Notice testid="rewards-notice">{notice}</Notice>}
        {error !== null && <ProblemAlert error={error} onRetry={reload} />}
        {items.length === 0 && !loading && error === null && <p class="muted">{t('rewards.empty')}</p>}
        {items.length > 0 && (
          <div class="table-wrap">
            <table class="table" data-testid="rewards-table">
              <thead>
                <tr>
                  <th scope="col">{t('rewards.name')}</th>
                  <th scope="col" class="numeric">
                    {t('rewards.price')}
                  </th>
                  <th scope="col" class="numeric">
                    {t('rewards.in_stock')}
                  </th>
                  <th scope="col" class="numeric">
                    {t('rewards.per_customer_limit')}
                  </th>
                  <th scope="col">{t('rewards.window')}</th>
                  <th scope="col">{t('rewards.state')}</th>
                  {manage && <th scope="col">{t('users.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {items.map((reward) => (
                  <RewardRow key={reward.id} reward={reward} manage={manage} now_ms={now_ms} onEdit={setEditing} onToggle={toggle} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {manage && editing !== null && (
          <RewardForm
            key={`${editing.id}-${editing.updated_at}`}
            reward={editing}
            onCancel={() => setEditing(null)}
            onDone={(reward) => {
              setEditing(null);
              setNotice(t('rewards.saved', { name: reward.name }));
              reload();
            }}
          />
        )}
        {loading && <p class="muted">{t('app.loading')}</p>}
        {!loading && next !== null && (
          <div class="form__actions">
            <button type="button" class="button button--quiet" data-testid="rewards-more" onClick={() => loadMore()}>
              {t('loyalty.load_more')}
            </button>
          </div>
        )}
      </section>
    </>
  );
}
