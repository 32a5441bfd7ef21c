import { FormEvent, useState } from 'react';
import { AdminApi, AdminApiError, Fetch } from '../api/admin-api';

/**
 * Asks for the admin token and checks it against the gateway before keeping it (in session
 * storage, by the caller: gone when the tab closes, never in a URL).
 */
export function LoginScreen({ onLogin, fetchImpl, notice }: { onLogin: (token: string) => void; fetchImpl?: Fetch; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(notice);
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() === '') return setError('Enter the admin token (ADMIN_TOKEN of the gateway).');
    setChecking(true);
    setError(undefined);
    try {
      await new AdminApi(token.trim(), fetchImpl).projections();
      onLogin(token.trim());
    } catch (e) {
      setError(e instanceof AdminApiError && e.status === 401 ? 'The gateway refused this token.' : `Could not reach the gateway: ${(e as Error).message}`);
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="login" id="main">
      <form onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">Projectionist admin</h1>
        <label htmlFor="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
          autoFocus
        />
        {error && (
          <p id="login-error" role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
