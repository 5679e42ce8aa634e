// The signed-in person's own account: who they are and a form to change their password
// (POST /api/v1/auth/password). The server ends every session of the person on success, so the
// page then sends them to the sign-in page with a notice. The length check here only spares a
// round trip; the server's rules (kPasswordLengthMin and more) decide.
import { useState } from 'preact/hooks';
import { changePassword, kPasswordLengthMin } from '../api/access';
import { ApiError } from '../api/client';
import { Field, FormError, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { roleLabel } from '../role_label';
import { useSession } from '../session';

function Profile() {
  const { t } = useI18n();
  const { state } = useSession();
  if (state.kind !== 'signed_in') return null;
  const { user, principal } = state.session;
  return (
    <section class="card" aria-labelledby="profile-heading">
      <div class="card__header">
        <h2 id="profile-heading">{t('account.profile_heading')}</h2>
      </div>
      <dl class="facts">
        <div class="facts__row">
          <dt>{t('account.email')}</dt>
          <dd>{user?.email ?? principal.name}</dd>
        </div>
        <div class="facts__row">
          <dt>{t('account.name')}</dt>
          <dd>{user?.display_name || '—'}</dd>
        </div>
        <div class="facts__row">
          <dt>{t('account.role')}</dt>
          <dd>{roleLabel(t, principal.role)}</dd>
        </div>
      </dl>
    </section>
  );
}

function PasswordForm() {
  const { t } = useI18n();
  const { ended } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [mistake, setMistake] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (next.length < kPasswordLengthMin) return setMistake(t('account.too_short', { min: kPasswordLengthMin }));
    if (next !== confirm) return setMistake(t('account.mismatch'));
    setMistake(null);
    setBusy(true);
    try {
      await changePassword(current, next);
      ended('login.password_changed');
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.status === 401) setMistake(t('account.wrong_current'));
      else setError(caught);
    }
  };

  return (
    <section class="card" aria-labelledby="password-heading">
      <div class="card__header">
        <h2 id="password-heading">{t('account.password_heading')}</h2>
      </div>
      {mistake !== null && <FormError>{mistake}</FormError>}
      {error !== null && <ProblemAlert error={error} />}
      <form class="form" onSubmit={submit} data-testid="password-form">
        <Field id="current-password" label={t('account.current_password')}>
          <input
            id="current-password"
            class="input"
            type="password"
            autocomplete="current-password"
            required
            value={current}
            onInput={(event) => setCurrent(inputValue(event))}
          />
        </Field>
        <Field id="new-password" label={t('account.new_password')} hint={t('account.password_hint', { min: kPasswordLengthMin })}>
          <input
            id="new-password"
            class="input"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby="new-password-hint"
            value={next}
            onInput={(event) => setNext(inputValue(event))}
          />
        </Field>
        <Field id="confirm-password" label={t('account.confirm_password')}>
          <input
            id="confirm-password"
            class="input"
            type="password"
            autocomplete="new-password"
            required
            value={confirm}
            onInput={(event) => setConfirm(inputValue(event))}
          />
        </Field>
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>
            {t('account.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function AccountPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('account.title')}</PageHeading>
      <Profile />
      <PasswordForm />
    </>
  );
}
