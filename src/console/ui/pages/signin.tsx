import { useState } from 'preact/hooks';

import { api, ApiProblem, type Session } from '../api';
import { Page, TextField } from '../components';
import { useI18n } from '../i18n';

export function SignInPage(props: { lost: boolean; onSignedIn: (s: Session) => void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api<Session>('/console/api/session', {
        method: 'POST',
        body: { apiKey: key },
        quiet401: true,
      });
      setKey('');
      props.onSignedIn(s);
    } catch (err) {
      setError(err instanceof ApiProblem && err.status === 401 ? t('badKey') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('signInTitle')}>
      <div class="signin">
        {props.lost ? (
          <p class="notice error" role="alert">
            {t('sessionEnded')}
          </p>
        ) : null}
        <p>{t('signInIntro')}</p>
        <form onSubmit={(e) => void submit(e)} class="stack">
          <TextField
            label={t('apiKey')}
            name="apiKey"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            value={key}
            onInput={setKey}
            hint={t('apiKeyHint')}
            aria-invalid={error ? true : undefined}
          />
          {error ? (
            <p class="notice error" role="alert" id="signin-error">
              {error}
            </p>
          ) : null}
          <div>
            <button type="submit" disabled={busy}>
              {busy ? t('signingIn') : t('signIn')}
            </button>
          </div>
        </form>
        <p>
          <a href="/statistics">{t('publicStatsLink')}</a>
        </p>
      </div>
    </Page>
  );
}
