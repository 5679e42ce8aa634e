// Audit log page: who did what, when and from where, newest first. Filters by actor ("user:1")
// and action prefix ("auth."); "Load more" fetches the next older page with the `next` cursor and
// appends it. "Verify chain" asks the server to re-check the hash chain and says intact, or where
// it broke and how. Details are shown as JSON text: they come from users and are never markup.
import { useEffect, useRef, useState } from 'preact/hooks';
import { listAudit, verifyAudit, type AuditEntry, type AuditQuery, type ChainVerification } from '../api/access';
import { isAbort } from '../api/client';
import { Field, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { StatusBadge } from '../components/status_badge';
import { useI18n, type I18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { PageHeading } from '../page_heading';

const kFaultKeys: Readonly<Record<string, MessageKey>> = {
  edited: 'audit.fault.edited',
  missing: 'audit.fault.missing',
  reordered: 'audit.fault.reordered',
  bad_genesis: 'audit.fault.bad_genesis',
};

interface Filters {
  actor: string;
  action_prefix: string;
}

type Listing =
  | { kind: 'loading'; items: AuditEntry[] }
  | { kind: 'ready'; items: AuditEntry[]; next: string | null }
  | { kind: 'failed'; items: AuditEntry[]; next: string | null; error: unknown };

function detailsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details === 'object' && Object.keys(details).length === 0) return '';
  return JSON.stringify(details);
}

function VerifyResult(props: { result: ChainVerification }) {
  const { t } = useI18n();
  const { result } = props;
  if (result.ok) {
    return (
      <p class="verify" role="status" data-testid="verify-result" data-ok="true">
        <StatusBadge tone="ok" label={t('audit.intact_badge')} /> {t('audit.intact', { rows: result.rows_verified })}
      </p>
    );
  }
  const fault_key = kFaultKeys[result.fault];
  return (
    <p class="verify" role="alert" data-testid="verify-result" data-ok="false">
      <StatusBadge tone="bad" label={t('audit.broken_badge')} />{' '}
      {t('audit.broken', { sequence: result.broken_sequence, fault: fault_key ? t(fault_key) : result.fault })}
    </p>
  );
}

function VerifyChain() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ChainVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const verify = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await verifyAudit());
    } catch (caught) {
      setError(caught);
    }
    setBusy(false);
  };
  return (
    <div class="verify-chain">
      <button type="button" class="button" onClick={() => void verify()} disabled={busy}>
        {busy ? t('audit.verifying') : t('audit.verify')}
      </button>
      {result !== null && <VerifyResult result={result} />}
      {error !== null && <ProblemAlert error={error} />}
    </div>
  );
}

function FilterForm(props: { onApply: (filters: Filters) => void }) {
  const { t } = useI18n();
  const [actor, setActor] = useState('');
  const [action_prefix, setActionPrefix] = useState('');
  return (
    <form
      class="form form--grid"
      data-testid="audit-filters"
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply({ actor, action_prefix });
      }}
    >
      <Field id="audit-actor" label={t('audit.actor')} hint={t('audit.actor_hint')}>
        <input id="audit-actor" class="input" type="text" aria-describedby="audit-actor-hint" value={actor} onInput={(event) => setActor(inputValue(event))} />
      </Field>
      <Field id="audit-action" label={t('audit.action_prefix')} hint={t('audit.action_hint')}>
        <input
          id="audit-action"
          class="input"
          type="text"
          aria-describedby="audit-action-hint"
          value={action_prefix}
          onInput={(event) => setActionPrefix(inputValue(event))}
        />
      </Field>
      <div class="form__actions">
        <button type="submit" class="button">
          {t('audit.apply')}
        </button>
        <button
          type="reset"
          class="button button--quiet"
          onClick={() => {
            setActor('');
            setActionPrefix('');
            props.onApply({ actor: '', action_prefix: '' });
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}

function subjectText(entry: AuditEntry): string {
  if (entry.subject_type === '') return '';
  return entry.subject_id === null ? entry.subject_type : `${entry.subject_type} #${entry.subject_id}`;
}

function AuditTable(props: { items: AuditEntry[]; format: I18n['format']; t: I18n['t'] }) {
  const { t, format } = props;
  return (
    <div class="table-wrap">
      <table class="table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">{t('audit.sequence')}</th>
            <th scope="col">{t('audit.time')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.subject')}</th>
            <th scope="col">{t('audit.remote')}</th>
            <th scope="col">{t('audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((entry) => (
            <tr key={entry.sequence} data-testid="audit-row" data-action={entry.action}>
              <td class="numeric">{entry.sequence}</td>
              <td class="nowrap">{format.dateTime(Date.parse(entry.at))}</td>
              <td>
                <code>{entry.actor}</code>
              </td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td>{subjectText(entry)}</td>
              <td>{entry.remote}</td>
              <td class="table__details">{detailsText(entry.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditPage() {
  const { t, format } = useI18n();
  const [filters, setFilters] = useState<Filters>({ actor: '', action_prefix: '' });
  const [listing, setListing] = useState<Listing>({ kind: 'loading', items: [] });
  const controller = useRef<AbortController | null>(null);

  const load = async (query: AuditQuery, previous: AuditEntry[]) => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setListing({ kind: 'loading', items: previous });
    try {
      const page = await listAudit(query, current.signal);
      setListing({ kind: 'ready', items: [...previous, ...page.items], next: page.next });
    } catch (error) {
      if (isAbort(error)) return;
      setListing({ kind: 'failed', items: previous, next: query.before, error });
    }
  };

  useEffect(() => {
    void load({ ...filters, before: null }, []);
    return () => controller.current?.abort();
  }, [filters]);

  const next = listing.kind === 'loading' ? null : listing.next;
  return (
    <>
      <PageHeading>{t('audit.title')}</PageHeading>
      <section class="card" aria-labelledby="chain-heading">
        <div class="card__header">
          <h2 id="chain-heading">{t('audit.chain_heading')}</h2>
        </div>
        <p class="muted small">{t('audit.chain_hint')}</p>
        <VerifyChain />
      </section>
      <section class="card" aria-labelledby="entries-heading">
        <div class="card__header">
          <h2 id="entries-heading">{t('audit.entries_heading')}</h2>
          <button type="button" class="button button--quiet" onClick={() => setFilters({ ...filters })}>
            {t('app.refresh')}
          </button>
        </div>
        <FilterForm onApply={setFilters} />
        {listing.items.length > 0 && <AuditTable items={listing.items} format={format} t={t} />}
        {listing.kind === 'ready' && listing.items.length === 0 && <p class="muted">{t('audit.empty')}</p>}
        {listing.kind === 'loading' && <p class="muted">{t('app.loading')}</p>}
        {listing.kind === 'failed' && (
          <ProblemAlert error={listing.error} onRetry={() => void load({ ...filters, before: listing.next }, listing.items)} />
        )}
        {listing.kind === 'ready' && listing.items.length > 0 && (
          <div class="form__actions">
            {next !== null ? (
              <button type="button" class="button button--quiet" onClick={() => void load({ ...filters, before: next }, listing.items)}>
                {t('audit.load_more')}
              </button>
            ) : (
              <p class="muted small">{t('audit.end')}</p>
            )}
          </div>
        )}
      </section>
    </>
  );
}
