// Duplicates (/duplicates, relationships:admin): "Scan" looks for candidate pairs (same e-mail,
// same normalised phone, similar name at the same company), the list shows the open pairs with
// score and rules, and "Review" opens a pair side by side. Each differing field has a radio choosing
// the value to keep (default: the first card's unless empty); "Merge" keeps the first card and
// moves everything of the second into it, "Not a duplicate" dismisses the pair. After a merge the
// page links to the surviving card, where the merge can be undone.
import { useState } from 'preact/hooks';
import { contactName, dismissDuplicate, listDuplicates, mergeContacts, scanDuplicates, type Duplicate, type MergeResult } from '../api/contacts';
import { formatDate } from '../components/contact_bits';
import { Notice } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { defaultChoice, differingFields } from '../contact_logic';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { PageHeading } from '../page_heading';
import { Link } from '../router';
import { useResource } from '../use_resource';

const kRuleKeys: Readonly<Record<string, MessageKey>> = {
  same_email: 'duplicates.rule.same_email',
  same_phone: 'duplicates.rule.same_phone',
  similar_name_same_birthday: 'duplicates.rule.similar_name_same_birthday',
  similar_name_same_company: 'duplicates.rule.similar_name_same_company',
};

const kFieldKeys: Readonly<Record<string, MessageKey>> = {
  first_name: 'contacts.first_name',
  last_name: 'contacts.last_name',
  email: 'contacts.email',
  phone: 'contacts.phone',
  birthday: 'card.birthday',
  gender: 'card.gender',
  locale: 'card.language',
  time_zone: 'card.time_zone',
  source: 'card.source',
  external_id: 'card.external_id',
};

function PairView(props: { pair: Duplicate; onMerged: (result: MergeResult) => void; onDismissed: () => void; onClose: () => void }) {
  const { t } = useI18n();
  const { first, second } = props.pair;
  const fields = differingFields(first, second);
  const [choice, setChoice] = useState<Record<string, 'survivor' | 'other'>>(() => Object.fromEntries(fields.map((field) => [field.field, defaultChoice(field)])));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    }
    setBusy(false);
  };

  return (
    <section class="card" aria-labelledby="pair-heading" data-testid="pair-view">
      <div class="card__header">
        <h2 id="pair-heading">{t('duplicates.pair_heading', { first: contactName(first), second: contactName(second) })}</h2>
        <button type="button" class="button button--quiet" onClick={props.onClose}>
          {t('duplicates.back')}
        </button>
      </div>
      {error !== null && <ProblemAlert error={error} />}
      <p class="muted small">{t('duplicates.pair_hint')}</p>
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('duplicates.field')}</th>
              <th scope="col">
                <Link href={`/contacts/${first.id}`}>#{first.id}</Link> {t('duplicates.kept_card')}
              </th>
              <th scope="col">
                <Link href={`/contacts/${second.id}`}>#{second.id}</Link>
              </th>
            </tr>
          </thead>
          <tbody>
            {fields.length === 0 && (
              <tr>
                <td colSpan={3} class="muted">
                  {t('duplicates.same_values')}
                </td>
              </tr>
            )}
            {fields.map((field) => (
              <tr key={field.field} data-testid="merge-field" data-field={field.field}>
                <th scope="row">{t(kFieldKeys[field.field] ?? 'contacts.name')}</th>
                {(['survivor', 'other'] as const).map((side) => (
                  <td key={side}>
                    <label class="choice__option">
                      <input
                        type="radio"
                        name={`keep-${field.field}`}
                        value={side}
                        checked={choice[field.field] === side}
                        onChange={() => setChoice({ ...choice, [field.field]: side })}
                      />{' '}
                      {(side === 'survivor' ? field.survivor : field.other) || <span class="muted">{t('duplicates.empty_value')}</span>}
                    </label>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="form__actions">
        <button
          type="button"
          class="button"
          data-testid="merge-pair"
          disabled={busy}
          onClick={() => void act(async () => props.onMerged(await mergeContacts(first.id, second.id, choice)))}
        >
          {t('duplicates.merge')}
        </button>
        <button
          type="button"
          class="button button--quiet"
          data-testid="dismiss-pair"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              await dismissDuplicate(props.pair.id);
              props.onDismissed();
            })
          }
        >
          {t('duplicates.dismiss')}
        </button>
      </div>
    </section>
  );
}

export function DuplicatesPage() {
  const { t, format } = useI18n();
  const [pairs, reload] = useResource((signal) => listDuplicates(null, signal));
  const [scanning, setScanning] = useState(false);
  const [scan_notice, setScanNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Duplicate | null>(null);
  const [merged, setMerged] = useState<MergeResult | null>(null);
  const [dismissed, setDismissed] = useState(false);

  const scan = async () => {
    setScanning(true);
    setError(null);
    setScanNotice(null);
    try {
      const result = await scanDuplicates();
      setScanNotice(t('duplicates.scanned', { scanned: result.scanned, candidates: result.candidates }));
      reload();
    } catch (caught) {
      setError(caught);
    }
    setScanning(false);
  };

  return (
    <>
      <PageHeading>{t('duplicates.title')}</PageHeading>
      <div class="toolbar">
        <button type="button" class="button" data-testid="scan" disabled={scanning} onClick={() => void scan()}>
          {scanning ? t('duplicates.scanning') : t('duplicates.scan')}
        </button>
      </div>
      {scan_notice !== null && <Notice testid="scan-notice">{scan_notice}</Notice>}
      {error !== null && <ProblemAlert error={error} />}
      {merged !== null && (
        <p class="notice" role="status" data-testid="merged-notice">
          {t('duplicates.merged', { merged: merged.merge.merged_id })}{' '}
          <Link href={`/contacts/${merged.merge.survivor_id}`} data-testid="survivor-link">
            {t('duplicates.open_survivor', { name: contactName(merged.contact) })}
          </Link>
        </p>
      )}
      {dismissed && <Notice>{t('duplicates.dismissed')}</Notice>}
      {open !== null ? (
        <PairView
          pair={open}
          onClose={() => setOpen(null)}
          onMerged={(result) => {
            setMerged(result);
            setOpen(null);
            reload();
          }}
          onDismissed={() => {
            setDismissed(true);
            setOpen(null);
            reload();
          }}
        />
      ) : (
        <section class="card" aria-labelledby="pairs-heading">
          <div class="card__header">
            <h2 id="pairs-heading">{t('duplicates.open_pairs')}</h2>
            <button type="button" class="button button--quiet" onClick={reload}>
              {t('app.refresh')}
            </button>
          </div>
          {pairs.kind === 'loading' && <p class="muted">{t('app.loading')}</p>}
          {pairs.kind === 'failed' && <ProblemAlert error={pairs.error} onRetry={reload} />}
          {pairs.kind === 'ready' && pairs.value.items.length === 0 && <p class="muted">{t('duplicates.none')}</p>}
          {pairs.kind === 'ready' && pairs.value.items.length > 0 && (
            <div class="table-wrap">
              <table class="table" data-testid="duplicates-table">
                <thead>
                  <tr>
                    <th scope="col">{t('duplicates.first')}</th>
                    <th scope="col">{t('duplicates.second')}</th>
                    <th scope="col">{t('duplicates.score')}</th>
                    <th scope="col">{t('duplicates.rules')}</th>
                    <th scope="col">{t('duplicates.found')}</th>
                    <th scope="col">{t('users.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pairs.value.items.map((pair) => (
                    <tr key={pair.id} data-testid="duplicate-row" data-id={pair.id} data-first={pair.first.id} data-second={pair.second.id}>
                      <td>
                        {contactName(pair.first)}
                        <div class="muted small">{pair.first.email}</div>
                      </td>
                      <td>
                        {contactName(pair.second)}
                        <div class="muted small">{pair.second.email}</div>
                      </td>
                      <td class="numeric">{pair.score}</td>
                      <td>{pair.rules.map((rule) => (kRuleKeys[rule] ? t(kRuleKeys[rule]) : rule)).join(', ')}</td>
                      <td class="nowrap">{formatDate(format, pair.found_at)}</td>
                      <td class="table__actions">
                        <button
                          type="button"
                          class="button button--quiet"
                          onClick={() => {
                            setMerged(null);
                            setDismissed(false);
                            setOpen(pair);
                          }}
                        >
                          {t('duplicates.review')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>
  );
}
