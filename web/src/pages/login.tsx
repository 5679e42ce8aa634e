// The sign-in page: e-mail and password, posted to POST /api/v1/auth/login. Wrong credentials
// (401, the same answer for an unknown e-mail, a wrong password and a disabled account) and too
// many attempts (429, with the minutes to wait from Retry-After) are said in words; anything else
// is shown as a problem. On success the session returns to the page named by ?next=.
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { Field, FormError, Notice, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { useI18n, type I18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { PageHeading } from '../page_heading';
import { useSession } from '../session';
import { minutesToWait } from '../wait_time';

function signInError(t: I18n['t'], error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 401) return t('login.wrong_credentials');
  if (error.status === 429) {
    if (error.retry_after_s === null) return t('login.too_many_unknown');
    return t('login.too_many', { minutes: minutesToWait(error.retry_after_s) });
  }
  return null;
}

export function LoginPage(props: { notice: MessageKey | null }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (caught) {
      setError(caught);
      setPassword('');
      setBusy(false);
    }
  };

  const message = error === null ? null : signInError(t, error);
  return (
    <>
      <PageHeading>{t('login.title')}</PageHeading>
      <section class="card">
        {props.notice && error === null && <Notice testid="login-notice">{t(props.notice)}</Notice>}
        {message !== null && <FormError>{message}</FormError>}
        {error !== null && message === null && <ProblemAlert error={error} />}
        <form class="form" onSubmit={submit} data-testid="login-form">
          <Field id="login-email" label={t('login.email')}>
            <input
              id="login-email"
              class="input"
              type="email"
              name="email"
              autocomplete="username"
              required
              value={email}
              onInput={(event) => setEmail(inputValue(event))}
            />
          </Field>
          <Field id="login-password" label={t('login.password')}>
            <input
              id="login-password"
              class="input"
              type="password"
              name="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(event) => setPassword(inputValue(event))}
            />
          </Field>
          <div class="form__actions">
            <button type="submit" class="button" disabled={busy}>
              {busy ? t('login.submitting') : t('login.submit')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
