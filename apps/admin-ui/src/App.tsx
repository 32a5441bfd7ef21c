import { useCallback, useEffect, useMemo, useState } from 'react';
import { AdminApi, Fetch } from './api/admin-api';
import { GuardBanner } from './components/GuardBanner';
import { LoginScreen } from './screens/LoginScreen';
import { NodesScreen } from './screens/NodesScreen';
import { ProjectionsScreen } from './screens/ProjectionsScreen';
import { ReactorsScreen } from './screens/ReactorsScreen';
import { RebuildsScreen } from './screens/RebuildsScreen';
import { SeedScreen } from './screens/SeedScreen';
import { writeHoldingRun } from './state/cluster-state';
import { useCluster, useNow } from './state/use-cluster';

export const TOKEN_KEY = 'projectionist.adminToken';
const SCREENS = [
  { path: 'projections', title: 'Projections' },
  { path: 'rebuilds', title: 'Rebuilds' },
  { path: 'reactors', title: 'Reactors' },
  { path: 'nodes', title: 'Nodes' },
  { path: 'seed', title: 'Seed data' },
] as const;
type ScreenPath = (typeof SCREENS)[number]['path'];

/** The token lives in session storage: it survives a reload, not the tab, and never enters a URL. */
export function App({ fetchImpl, storage = sessionStorage }: { fetchImpl?: Fetch; storage?: Storage }) {
  const [token, setToken] = useState<string | null>(() => storage.getItem(TOKEN_KEY));
  const [notice, setNotice] = useState<string | undefined>();
  const login = (value: string) => {
    storage.setItem(TOKEN_KEY, value);
    setNotice(undefined);
    setToken(value);
  };
  const logout = useCallback(
    (why?: string) => {
      storage.removeItem(TOKEN_KEY);
      setNotice(why);
      setToken(null);
    },
    [storage],
  );
  if (!token) return <LoginScreen onLogin={login} fetchImpl={fetchImpl} notice={notice} />;
  return <Console token={token} fetchImpl={fetchImpl} onLogout={logout} />;
}

function Console({ token, fetchImpl, onLogout }: { token: string; fetchImpl?: Fetch; onLogout: (why?: string) => void }) {
  const api = useMemo(() => new AdminApi(token, fetchImpl), [token, fetchImpl]);
  const onUnauthorized = useCallback(() => onLogout('The gateway no longer accepts this token; sign in again.'), [onLogout]);
  const { state, status, statusDetail, dispatch } = useCluster(api, onUnauthorized);
  const screen = useHashRoute();
  const now = useNow();
  const holding = writeHoldingRun(state);
  const title = SCREENS.find((s) => s.path === screen)?.title ?? 'Projections';

  useEffect(() => {
    document.title = `${holding ? '⚠ writes held · ' : ''}${title} · Projectionist`;
  }, [title, holding]);

  return (
    <div className={`shell${holding ? ' shell-held' : ''}`}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Projectionist</span>
        <nav aria-label="Screens">
          <ul>
            {SCREENS.map((s) => (
              <li key={s.path}>
                <a href={`#/${s.path}`} aria-current={s.path === screen ? 'page' : undefined}>
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`stream stream-${status}`} role="status" title={statusDetail}>
          <span aria-hidden="true">{status === 'live' ? '●' : '○'}</span> {status === 'live' ? 'live' : status}
        </span>
        <button type="button" className="secondary" onClick={() => onLogout()}>
          Sign out
        </button>
      </header>
      <GuardBanner run={holding} />
      <main id="main" tabIndex={-1}>
        {screen === 'projections' && <ProjectionsScreen state={state} now={now} />}
        {screen === 'rebuilds' && <RebuildsScreen api={api} state={state} dispatch={dispatch} now={now} />}
        {screen === 'reactors' && <ReactorsScreen api={api} />}
        {screen === 'nodes' && <NodesScreen state={state} now={now} />}
        {screen === 'seed' && <SeedScreen api={api} />}
      </main>
    </div>
  );
}

function currentScreen(): ScreenPath {
  const path = window.location.hash.replace(/^#\/?/, '');
  return (SCREENS.find((s) => s.path === path)?.path ?? 'projections') as ScreenPath;
}

function useHashRoute(): ScreenPath {
  const [screen, setScreen] = useState(currentScreen);
  useEffect(() => {
    const onChange = () => setScreen(currentScreen());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return screen;
}
