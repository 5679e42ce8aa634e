// Who is signed in, as a Preact context. On start it asks GET /api/v1/auth/session: a 401 means
// nobody is, and the shell shows the sign-in page at /login?next=<where the person was>. A 401 from
// any later call (the session expired, was revoked, or the password changed elsewhere) does the
// same, with a notice that the session ended. Signing in loads the session (it carries the
// permissions the navigation needs) and returns to `next`.
// Main-thread only: the client's unauthorized listener is registered once per provider.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { allows, fetchSession, login, logout, type PermissionAction, type Session } from './api/access';
import { ApiError, isAbort, setCsrfToken, setUnauthorizedListener } from './api/client';
import type { MessageKey } from './i18n/en';
import { kLoginPath, loginPathFor, returnPathFromSearch } from './return_path';
import { currentLocation, currentPath, navigate } from './router';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed_out'; notice: MessageKey | null }
  | { kind: 'signed_in'; session: Session }
  | { kind: 'failed'; error: unknown };

export interface SessionControl {
  state: SessionState;
  // Signs in and loads the session; rejects with the ApiError of the sign-in (401, 429, …).
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  // The server ended every session (password changed): show the sign-in page with `notice`.
  ended(notice: MessageKey): void;
  retry(): void;
  can(resource: string, action: PermissionAction): boolean;
}

const SessionContext = createContext<SessionControl | null>(null);

// Puts the sign-in page in the address bar, remembering where the person was.
function showLoginPage(): void {
  if (currentPath() === kLoginPath) return;
  navigate(loginPathFor(currentLocation()), { replace: true });
}

export function SessionProvider(props: { children: ComponentChildren }) {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);

  const signedOut = useCallback((notice: MessageKey | null) => {
    setCsrfToken(null);
    setState({ kind: 'signed_out', notice });
    showLoginPage();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: 'loading' });
    fetchSession(controller.signal).then(
      (session) => setState({ kind: 'signed_in', session }),
      (error: unknown) => {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 401) signedOut(null);
        else setState({ kind: 'failed', error });
      },
    );
    return () => controller.abort();
  }, [generation, signedOut]);

  useEffect(() => {
    setUnauthorizedListener(() => signedOut('login.session_ended'));
    return () => setUnauthorizedListener(null);
  }, [signedOut]);

  const signIn = useCallback(async (email: string, password: string) => {
    await login(email, password);
    const session = await fetchSession();
    setState({ kind: 'signed_in', session });
    navigate(returnPathFromSearch(window.location.search), { replace: true });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch (error) {
      // A session that already ended is what signing out wants; anything else still signs out
      // here, as the person asked to leave this browser.
      if (!(error instanceof ApiError)) throw error;
    }
    setState({ kind: 'signed_out', notice: 'login.signed_out' });
    navigate(kLoginPath, { replace: true });
  }, []);

  const value = useMemo<SessionControl>(
    () => ({
      state,
      signIn,
      signOut,
      ended: (notice) => {
        setState({ kind: 'signed_out', notice });
        navigate(kLoginPath, { replace: true });
      },
      retry: () => setGeneration((current) => current + 1),
      can: (resource, action) => state.kind === 'signed_in' && allows(state.session.permissions, resource, action),
    }),
    [state, signIn, signOut],
  );

  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): SessionControl {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() used outside <SessionProvider>');
  return value;
}
