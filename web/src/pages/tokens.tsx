// API tokens page: the tokens programs use (Authorization: Bearer rpt_…), with role, creation,
// last use and revocation. Administrators create tokens — the secret is shown exactly once, with
// a copy button and a warning, and is dropped from memory when the person dismisses it — and
// revoke them after an inline confirmation. Revoked tokens stay listed: the audit log names them.
import { useState } from 'preact/hooks';
import { createToken, kRoles, listTokens, revokeToken, type ApiToken, type CreatedToken } from '../api/access';
import { Field, Notice, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { StatusBadge } from '../components/status_badge';
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { roleLabel } from '../role_label';
import { useSession } from '../session';
import { useResource } from '../use_resource';

async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard access (an insecure origin, a denied permission): select the text so the
    // person can copy it with the keyboard.
    field?.select();
    return false;
  }
}

function SecretPanel(props: { created: CreatedToken; onDone: () => void }) {
  const { t } = useI18n();
  const [copy_state, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const field_id = 'token-secret';
  return (
    <div class="secret" data-testid="token-secret-panel">
      <p class="secret__heading">{t('tokens.secret_heading', { name: props.created.token.name })}</p>
      <p class="secret__warning" role="alert">
        {t('tokens.secret_warning')}
      </p>
      <div class="inline-form">
        <label class="visually-hidden" for={field_id}>
          {t('tokens.secret_label')}
        </label>
        <input id={field_id} class="input input--mono" type="text" readOnly value={props.created.secret} data-testid="token-secret" />
        <button
          type="button"
          class="button"
          onClick={async () => {
            const copied = await copyText(props.created.secret, document.getElementById(field_id) as HTMLInputElement | null);
            setCopyState(copied ? 'copied' : 'failed');
          }}
        >
          {t('tokens.copy')}
        </button>
        <button type="button" class="button button--quiet" onClick={props.onDone}>
          {t('tokens.done')}
        </button>
      </div>
      {copy_state === 'copied' && <Notice>{t('tokens.copied')}</Notice>}
      {copy_state === 'failed' && <p class="muted small">{t('tokens.copy_failed')}</p>}
    </div>
  );
}

function CreateTokenForm(props: { onCreated: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('analyst');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      setCreated(await createToken(name.trim(), role));
      setName('');
      props.onCreated();
    } catch (caught) {
      setError(caught);
    }
    setBusy(false);
  };

  return (
    <section class="card" aria-labelledby="create-token-heading">
      <div class="card__header">
        <h2 id="create-token-heading">{t('tokens.create_heading')}</h2>
      </div>
      {created !== null && <SecretPanel created={created} onDone={() => setCreated(null)} />}
      {error !== null && <ProblemAlert error={error} />}
      <form class="form form--grid" onSubmit={submit} data-testid="create-token-form">
        <Field id="token-name" label={t('tokens.name')}>
          <input id="token-name" class="input" type="text" autocomplete="off" required value={name} onInput={(event) => setName(inputValue(event))} />
        </Field>
        <Field id="token-role" label={t('tokens.role')}>
          <select id="token-role" class="input input--select" value={role} onChange={(event) => setRole(inputValue(event))}>
            {kRoles.map((candidate) => (
              <option key={candidate} value={candidate}>
                {roleLabel(t, candidate)}
              </option>
            ))}
          </select>
        </Field>
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>
            {t('tokens.create_submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function TokenRow(props: { token: ApiToken; manage: boolean; onRevoke: (token: ApiToken) => Promise<void> }) {
  const { t, format } = useI18n();
  const { token } = props;
  const [confirming, setConfirming] = useState(false);
  const when = (value: string | null, empty: string) => (value === null ? empty : format.dateTime(Date.parse(value)));
  return (
    <tr data-testid="token-row" data-name={token.name}>
      <td>{token.name}</td>
      <td>{roleLabel(t, token.role)}</td>
      <td class="nowrap">{when(token.created_at, '—')}</td>
      <td class="nowrap">{when(token.last_used_at, t('tokens.never'))}</td>
      <td>
        {token.revoked_at === null ? (
          <StatusBadge tone="ok" label={t('tokens.active')} />
        ) : (
          <StatusBadge tone="bad" label={t('tokens.revoked_at', { time: when(token.revoked_at, '') })} />
        )}
      </td>
      {props.manage && (
        <td class="table__actions">
          {token.revoked_at === null && !confirming && (
            <button type="button" class="button button--quiet" onClick={() => setConfirming(true)}>
              {t('tokens.revoke')}
            </button>
          )}
          {token.revoked_at === null && confirming && (
            <div class="confirm" role="group" aria-label={t('tokens.revoke_confirm', { name: token.name })}>
              <span>{t('tokens.revoke_confirm', { name: token.name })}</span>
              <button type="button" class="button button--danger" onClick={() => void props.onRevoke(token)}>
                {t('tokens.revoke_yes')}
              </button>
              <button type="button" class="button button--quiet" onClick={() => setConfirming(false)}>
                {t('app.cancel')}
              </button>
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

export function TokensPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const manage = can('users', 'admin');
  const [tokens, reload] = useResource(listTokens);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const revoke = async (token: ApiToken) => {
    setError(null);
    setNotice(null);
    try {
      const revoked = await revokeToken(token.id);
      setNotice(t('tokens.revoked_notice', { name: revoked.name }));
    } catch (caught) {
      setError(caught);
    }
    reload();
  };

  return (
    <>
      <PageHeading>{t('tokens.title')}</PageHeading>
      {manage && <CreateTokenForm onCreated={reload} />}
      <section class="card" aria-labelledby="tokens-heading">
        <div class="card__header">
          <h2 id="tokens-heading">{t('tokens.list_heading')}</h2>
          <button type="button" class="button button--quiet" onClick={reload}>
            {t('app.refresh')}
          </button>
        </div>
        {notice !== null && <Notice testid="tokens-notice">{notice}</Notice>}
        {error !== null && <ProblemAlert error={error} />}
        {tokens.kind === 'loading' && <p class="muted">{t('app.loading')}</p>}
        {tokens.kind === 'failed' && <ProblemAlert error={tokens.error} onRetry={reload} />}
        {tokens.kind === 'ready' && tokens.value.length === 0 && <p class="muted">{t('tokens.empty')}</p>}
        {tokens.kind === 'ready' && tokens.value.length > 0 && (
          <div class="table-wrap">
            <table class="table" data-testid="tokens-table">
              <thead>
                <tr>
                  <th scope="col">{t('tokens.name')}</th>
                  <th scope="col">{t('tokens.role')}</th>
                  <th scope="col">{t('tokens.created')}</th>
                  <th scope="col">{t('tokens.last_used')}</th>
                  <th scope="col">{t('tokens.revoked')}</th>
                  {manage && <th scope="col">{t('users.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {tokens.value.map((token) => (
                  <TokenRow key={token.id} token={token} manage={manage} onRevoke={revoke} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
