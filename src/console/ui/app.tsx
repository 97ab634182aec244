import { useEffect, useMemo, useState } from 'preact/hooks';

import { api, onSessionLost, setCsrfToken, type Principal, type Session } from './api';
import { focusNextPage, Loading } from './components';
import {
  I18nContext,
  initialLang,
  makeI18n,
  rememberLang,
  useI18n,
  type Lang,
  type MessageKey,
} from './i18n';
import { BatchDetailPage, BatchListPage } from './pages/batches';
import { CompletenessPage } from './pages/completeness';
import { CompliancePage } from './pages/compliance';
import { ConnectorsPage } from './pages/connectors';
import { DiscrepancyDetailPage, DiscrepancyListPage } from './pages/discrepancies';
import { LotTracePage } from './pages/lot-trace';
import { ReconciliationPage } from './pages/reconciliation';
import { SignInPage } from './pages/signin';
import { SitesPage } from './pages/sites';
import { StatisticsPage } from './pages/statistics';
import { match, navigate, useLocation } from './router';

interface NavItem {
  href: string;
  label: MessageKey;
  /** Roles that see the item; all when absent. */
  roles?: Principal['role'][];
}

const nav: NavItem[] = [
  { href: '/console/completeness', label: 'nav_completeness' },
  { href: '/console/batches', label: 'nav_batches' },
  { href: '/console/connectors', label: 'nav_connectors', roles: ['secretariat', 'auditor'] },
  { href: '/console/reconciliation', label: 'nav_reconciliation' },
  { href: '/console/discrepancies', label: 'nav_discrepancies' },
  { href: '/console/compliance', label: 'nav_compliance' },
  { href: '/console/sites', label: 'nav_sites' },
];

function LangSwitch(props: { lang: Lang; onChange: (l: Lang) => void }) {
  const { t } = useI18n();
  return (
    <div class="lang-switch" role="group" aria-label={t('language')}>
      {(
        [
          ['en', 'English'],
          ['fr', 'Français'],
        ] as const
      ).map(([code, label]) => (
        <button
          type="button"
          key={code}
          lang={code}
          aria-pressed={props.lang === code}
          onClick={() => props.onChange(code)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

function ConsoleRoutes(props: { session: Session }) {
  const { path } = useLocation();
  const role = props.session.principal.role;
  let m: Record<string, string> | null;
  if (path === '/console' || path === '/console/completeness')
    return <CompletenessPage principal={props.session.principal} />;
  if (path === '/console/batches') return <BatchListPage principal={props.session.principal} />;
  if ((m = match('/console/batches/:id', path)))
    return <BatchDetailPage id={m.id!} principal={props.session.principal} />;
  if (path === '/console/connectors' && role !== 'submitter')
    return <ConnectorsPage canRun={role === 'secretariat'} />;
  if (path === '/console/reconciliation') return <ReconciliationPage principal={props.session.principal} />;
  if (path === '/console/discrepancies') return <DiscrepancyListPage principal={props.session.principal} />;
  if ((m = match('/console/discrepancies/:id', path)))
    return <DiscrepancyDetailPage id={m.id!} principal={props.session.principal} />;
  if (path === '/console/compliance') return <CompliancePage principal={props.session.principal} />;
  if (path === '/console/sites') return <SitesPage principal={props.session.principal} />;
  if ((m = match('/console/lots/:country/:lot', path)))
    return <LotTracePage country={m.country!} lot={m.lot!} />;
  return <NotFound />;
}

function NotFound() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = t('notFound');
  }, [t]);
  return (
    <>
      <h1 tabIndex={-1}>{t('notFound')}</h1>
      <p>
        <a href="/console/completeness">{t('nav_completeness')}</a>
      </p>
    </>
  );
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const i18n = useMemo(() => makeI18n(lang), [lang]);
  // undefined: still asking the server; null: not signed in.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [lost, setLost] = useState(false);
  const { path } = useLocation();

  useEffect(() => {
    rememberLang(lang);
  }, [lang]);

  useEffect(() => {
    onSessionLost(() => {
      setCsrfToken(undefined);
      setSession((s) => {
        if (s) setLost(true);
        return null;
      });
    });
    api<Session>('/console/api/session', { quiet401: true }).then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      },
      () => setSession(null),
    );
  }, []);

  // Every change of page after the first moves the focus to the new page's heading.
  const [firstPath] = useState(path);
  useEffect(() => {
    if (path !== firstPath) focusNextPage();
  }, [path, firstPath]);

  const signedIn = (s: Session) => {
    setCsrfToken(s.csrfToken);
    setLost(false);
    focusNextPage();
    setSession(s);
    if (!path.startsWith('/console/') || path === '/console/')
      navigate('/console/completeness', { replace: true });
  };
  const signOut = async () => {
    await api('/console/api/session', { method: 'DELETE' }).catch(() => undefined);
    setCsrfToken(undefined);
    setSession(null);
    focusNextPage();
  };

  const isPublic = path === '/statistics';
  const t = i18n.t;
  const p = session?.principal;
  return (
    <I18nContext.Provider value={i18n}>
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header class="top">
        <div class="brand">
          <a href={isPublic ? '/statistics' : '/console'}>
            <span class="logo" aria-hidden="true">
              ◆
            </span>{' '}
            {t('appName')}
          </a>
          <span class="subtitle">{isPublic ? t('nav_statistics') : t('appTitle')}</span>
        </div>
        <LangSwitch lang={lang} onChange={setLang} />
        {p && !isPublic ? (
          <div class="who">
            <span>
              {t('signedInAs', { name: p.name })} ({i18n.tr('role', p.role)}
              {p.country ? `, ${i18n.country(p.country)}` : ''})
            </span>
            <button type="button" class="secondary" onClick={() => void signOut()}>
              {t('signOut')}
            </button>
          </div>
        ) : null}
        {isPublic ? (
          <a class="who" href="/console">
            {t('backToConsole')}
          </a>
        ) : null}
      </header>
      {p && !isPublic ? (
        <nav class="main-nav" aria-label={t('mainNav')}>
          <ul>
            {nav
              .filter((n) => !n.roles || n.roles.includes(p.role))
              .map((n) => {
                const current =
                  path === n.href ||
                  path.startsWith(n.href + '/') ||
                  (n.href === '/console/completeness' && path === '/console');
                return (
                  <li key={n.href}>
                    <a href={n.href} aria-current={current ? 'page' : undefined}>
                      {t(n.label)}
                    </a>
                  </li>
                );
              })}
            <li>
              <a href="/statistics">{t('nav_statistics')}</a>
            </li>
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        {isPublic ? (
          <StatisticsPage />
        ) : session === undefined ? (
          <Loading />
        ) : session === null ? (
          <SignInPage lost={lost} onSignedIn={signedIn} />
        ) : (
          <ConsoleRoutes session={session} />
        )}
      </main>
      <footer class="foot">
        <a href="/docs">API</a> · <a href="/console/assets/licenses.txt">{t('licences')}</a> ·{' '}
        {t('mapCredit')}
      </footer>
    </I18nContext.Provider>
  );
}
