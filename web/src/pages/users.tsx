// Users page: everyone who may sign in, with role, status and creation date. Administrators
// (users:admin) also get the "Add user" form and, per row, a role choice, disable/enable and a
// password reset; managers (users:read) see the table only. Every change is a PATCH of one user;
// the table reloads afterwards so it shows what the server stored. An admin cannot change their
// own role or disable themselves here (that would lock them out mid-task); another admin can. Names and e-mails are
// rendered as text (Preact escapes them).
import { useState } from 'preact/hooks';
import { createUser, kPasswordLengthMin, kRoles, listUsers, updateUser, type User, type UserChange } from '../api/access';
import { ApiError } from '../api/client';
import { Field, FormError, Notice, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { StatusBadge } from '../components/status_badge';
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { roleLabel } from '../role_label';
import { useSession } from '../session';
import { useResource } from '../use_resource';

function RoleSelect(props: { id: string; value: string; label?: string; disabled?: boolean; onChange: (role: string) => void }) {
  const { t } = useI18n();
  return (
    <select
      id={props.id}
      class="input input--select"
      value={props.value}
      aria-label={props.label}
      disabled={props.disabled}
      onChange={(event) => props.onChange(inputValue(event))}
    >
      {kRoles.map((role) => (
        <option key={role} value={role}>
          {roleLabel(t, role)}
        </option>
      ))}
    </select>
  );
}

function AddUserForm(props: { onAdded: (user: User) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('agent');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [mistake, setMistake] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (password.length < kPasswordLengthMin) return setMistake(t('account.too_short', { min: kPasswordLengthMin }));
    setMistake(null);
    setBusy(true);
    try {
      const user = await createUser({ email: email.trim(), display_name: name.trim(), role, password });
      setEmail('');
      setName('');
      setPassword('');
      props.onAdded(user);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) setMistake(t('users.email_taken'));
      else setError(caught);
    }
    setBusy(false);
  };

  return (
    <section class="card" aria-labelledby="add-user-heading">
      <div class="card__header">
        <h2 id="add-user-heading">{t('users.add_heading')}</h2>
      </div>
      {mistake !== null && <FormError>{mistake}</FormError>}
      {error !== null && <ProblemAlert error={error} />}
      <form class="form form--grid" onSubmit={submit} data-testid="add-user-form">
        <Field id="new-user-email" label={t('users.email')}>
          <input id="new-user-email" class="input" type="email" autocomplete="off" required value={email} onInput={(event) => setEmail(inputValue(event))} />
        </Field>
        <Field id="new-user-name" label={t('users.name')}>
          <input id="new-user-name" class="input" type="text" autocomplete="off" value={name} onInput={(event) => setName(inputValue(event))} />
        </Field>
        <Field id="new-user-role" label={t('users.role')}>
          <RoleSelect id="new-user-role" value={role} onChange={setRole} />
        </Field>
        <Field id="new-user-password" label={t('users.initial_password')} hint={t('users.password_hint', { min: kPasswordLengthMin })}>
          <input
            id="new-user-password"
            class="input"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby="new-user-password-hint"
            value={password}
            onInput={(event) => setPassword(inputValue(event))}
          />
        </Field>
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>
            {t('users.add_submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function PasswordReset(props: { user: User; onSave: (password: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [mistake, setMistake] = useState<string | null>(null);
  const id = `reset-password-${props.user.id}`;
  const submit = (event: Event) => {
    event.preventDefault();
    if (password.length < kPasswordLengthMin) return setMistake(t('account.too_short', { min: kPasswordLengthMin }));
    props.onSave(password);
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <label class="visually-hidden" for={id}>
        {t('users.new_password_for', { email: props.user.email })}
      </label>
      <input id={id} class="input" type="password" autocomplete="new-password" required value={password} onInput={(event) => setPassword(inputValue(event))} />
      <button type="submit" class="button">
        {t('users.save_password')}
      </button>
      <button type="button" class="button button--quiet" onClick={props.onCancel}>
        {t('app.cancel')}
      </button>
      {mistake !== null && <FormError>{mistake}</FormError>}
    </form>
  );
}

function UserRow(props: { user: User; manage: boolean; self: boolean; onChange: (user: User, change: UserChange) => Promise<void> }) {
  const { t, format } = useI18n();
  const { user, manage } = props;
  const [resetting, setResetting] = useState(false);
  return (
    <tr data-testid="user-row" data-email={user.email}>
      <td>
        {user.email}
        {props.self && <span class="muted small"> {t('users.you')}</span>}
      </td>
      <td>{user.display_name}</td>
      <td>
        {manage ? (
          <RoleSelect
            id={`role-${user.id}`}
            value={user.role}
            label={t('users.role_of', { email: user.email })}
            disabled={props.self}
            onChange={(role) => void props.onChange(user, { role })}
          />
        ) : (
          roleLabel(t, user.role)
        )}
      </td>
      <td>
        <StatusBadge tone={user.disabled ? 'bad' : 'ok'} label={t(user.disabled ? 'users.disabled' : 'users.active')} />
      </td>
      <td class="nowrap">{format.dateTime(Date.parse(user.created_at))}</td>
      {manage && (
        <td class="table__actions">
          {resetting ? (
            <PasswordReset
              user={user}
              onCancel={() => setResetting(false)}
              onSave={(password) => void props.onChange(user, { password }).then(() => setResetting(false))}
            />
          ) : (
            <>
              {!props.self && (
                <button type="button" class="button button--quiet" onClick={() => void props.onChange(user, { disabled: !user.disabled })}>
                  {t(user.disabled ? 'users.enable' : 'users.disable')}
                </button>
              )}
              <button type="button" class="button button--quiet" onClick={() => setResetting(true)}>
                {t('users.reset_password')}
              </button>
            </>
          )}
        </td>
      )}
    </tr>
  );
}

export function UsersPage() {
  const { t } = useI18n();
  const { can, state } = useSession();
  const manage = can('users', 'admin');
  const own_id = state.kind === 'signed_in' ? (state.session.user?.id ?? null) : null;
  const [users, reload] = useResource(listUsers);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const change = async (user: User, change: UserChange) => {
    setError(null);
    setNotice(null);
    try {
      const updated = await updateUser(user.id, change);
      setNotice(t(change.password !== undefined ? 'users.password_reset' : 'users.updated', { email: updated.email }));
    } catch (caught) {
      setError(caught);
    }
    reload();
  };

  return (
    <>
      <PageHeading>{t('users.title')}</PageHeading>
      {manage && (
        <AddUserForm
          onAdded={(user) => {
            setError(null);
            setNotice(t('users.added', { email: user.email }));
            reload();
          }}
        />
      )}
      <section class="card" aria-labelledby="users-heading">
        <div class="card__header">
          <h2 id="users-heading">{t('users.list_heading')}</h2>
          <button type="button" class="button button--quiet" onClick={reload}>
            {t('app.refresh')}
          </button>
        </div>
        {!manage && <p class="muted small">{t('users.read_only')}</p>}
        {notice !== null && <Notice testid="users-notice">{notice}</Notice>}
        {error !== null && <ProblemAlert error={error} />}
        {users.kind === 'loading' && <p class="muted">{t('app.loading')}</p>}
        {users.kind === 'failed' && <ProblemAlert error={users.error} onRetry={reload} />}
        {users.kind === 'ready' && users.value.length === 0 && <p class="muted">{t('users.empty')}</p>}
        {users.kind === 'ready' && users.value.length > 0 && (
          <div class="table-wrap">
            <table class="table" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">{t('users.email')}</th>
                  <th scope="col">{t('users.name')}</th>
                  <th scope="col">{t('users.role')}</th>
                  <th scope="col">{t('users.status')}</th>
                  <th scope="col">{t('users.created')}</th>
                  {manage && <th scope="col">{t('users.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {users.value.map((user) => (
                  <UserRow key={user.id} user={user} manage={manage} self={user.id === own_id} onChange={change} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
