import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

import { api, ApiProblem } from './api';
import { useI18n } from './i18n';

/** Whether the next page shown should take the focus (not on the very first paint). */
let focusOnNextPage = false;
export function focusNextPage(): void {
  focusOnNextPage = true;
}

/**
 * Every page has one h1 that names it and the document title. After an in-app navigation the h1
 * takes the focus, so a screen reader announces the new page and Tab starts from its top.
 */
export function Page(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${props.title} — ${t('appName')}`;
  }, [props.title, t]);
  useEffect(() => {
    if (focusOnNextPage) {
      focusOnNextPage = false;
      h1.current?.focus();
    }
  }, []);
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1} ref={h1}>
          {props.title}
        </h1>
        {props.actions}
      </div>
      {props.children}
    </>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiProblem | Error | undefined;
  loading: boolean;
  reload(): void;
}

/** GETs `path` (null: nothing to load) and re-reads it when the path changes. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    api<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('loading')}
    </p>
  );
}

export function ErrorBox(props: { error: Error; retry?: () => void }) {
  const { t } = useI18n();
  const e = props.error;
  const notThere = e instanceof ApiProblem && e.status === 404 && e.code === 'RMDX_ERR_NOT_FOUND';
  return (
    <div class="error-box" role="alert">
      <p>
        <strong>{t('errorTitle')}</strong>
        {': '}
        {notThere && /^Route /.test(e.message) ? t('notAvailable') : e.message}
        {e instanceof ApiProblem ? <span class="code"> ({e.code})</span> : null}
      </p>
      {props.retry ? (
        <button type="button" onClick={props.retry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
}

/** Loading, error or the content of a loaded resource. */
export function Async<T>(props: { res: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { res } = props;
  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />;
  if (res.data === undefined) return <Loading />;
  return <>{props.children(res.data)}</>;
}

/** A status shown as text with a coloured badge: the colour is never the only cue. */
export function Badge(props: { kind: string; label: string }) {
  return <span class={`badge badge-${props.kind}`}>{props.label}</span>;
}

let idSeq = 0;
export function useId(prefix: string): string {
  const ref = useRef<string | undefined>(undefined);
  ref.current ??= `${prefix}-${++idSeq}`;
  return ref.current;
}

export function SelectField(props: {
  label: string;
  name: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
  allLabel?: string;
}) {
  const id = useId(props.name);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.allLabel !== undefined ? <option value="">{props.allLabel}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} key={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TextField(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  hint?: string;
  type?: 'text' | 'password' | 'month' | 'search';
  placeholder?: string;
  pattern?: string;
  required?: boolean;
  autocomplete?: string;
  spellcheck?: boolean;
  'aria-invalid'?: boolean;
}) {
  const { label, name, value, onInput, hint, ...rest } = props;
  const id = useId(name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        type={(rest.type ?? 'text') as 'text'}
        placeholder={rest.placeholder}
        pattern={rest.pattern}
        required={rest.required}
        autocomplete={rest.autocomplete}
        spellcheck={rest.spellcheck}
        aria-invalid={rest['aria-invalid']}
        id={id}
        name={name}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {hint ? (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** Label/value pairs; labels already in the page's language. */
export function Facts(props: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {props.items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A polite live region: status messages after an action ("Saved."). */
export function Notice(props: { text: string | null; kind?: 'ok' | 'error' }) {
  return (
    <p class={`notice ${props.kind ?? 'ok'}`} role="status" aria-live="polite">
      {props.text ?? ''}
    </p>
  );
}

/** Members of the ICGLR (codelist memberState), in the order their codes sort. */
export const memberStates = ['AO', 'BI', 'CD', 'CF', 'CG', 'KE', 'RW', 'SD', 'SS', 'TZ', 'UG', 'ZM'];
export const certifyingStates = ['BI', 'CD', 'RW', 'TZ', 'UG'];
export const minerals = ['gold', 'cassiterite', 'coltan', 'wolframite'];

export function monthsBack(n: number, to?: string): string[] {
  const now = new Date();
  const [y, m] = to
    ? (to.split('-').map(Number) as [number, number])
    : [now.getUTCFullYear(), now.getUTCMonth()]; // default: last month (1-based m of last month)
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}
