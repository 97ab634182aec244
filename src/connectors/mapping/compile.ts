/**
 * A fast path for JSONata mapping expressions.
 *
 * JSONata's evaluator is asynchronous at every node, which caps a typical record-shaping expression
 * at ~40 k rows/s here. Mapping expressions are almost always simple: an object constructor of
 * field paths, literals, helper calls, conditions and string concatenation. This module compiles
 * that subset of the JSONata AST (as produced by jsonata's own parser) into synchronous JavaScript
 * closures with the same semantics. Anything outside the subset is not compiled (the mapping then
 * runs on jsonata for that expression), and at run time the compiled code gives up on a row
 * (throws BAIL) whenever it meets a value whose JSONata semantics it does not reproduce exactly
 * (arrays and sequences, type errors); that row is then evaluated by jsonata. Tests run every
 * reference mapping both ways on generated rows and require identical results.
 */
import type jsonata from 'jsonata';

/** A node of jsonata's AST (its published type lacks some node types, e.g. path and bind). */
type Node = Omit<jsonata.ExprNode, 'type'> & { type: string } & Record<string, unknown>;

/** Thrown by compiled code when jsonata must evaluate this row instead. */
export const BAIL: unique symbol = Symbol('jsonata-fast-path-bail');

export type Helper = (...args: unknown[]) => unknown;

/** What a compiled expression receives per row. */
export interface FastScope {
  /** Variables bound for the evaluation (the mapping's `$reportingCountry`, …). */
  bindings: Record<string, unknown>;
  /** The registered helper functions, by name (without `$`). */
  helpers: Record<string, Helper>;
}

export type FastFunction = (input: Record<string, unknown>, scope: FastScope) => unknown;

interface State {
  input: unknown;
  vars: Record<string, unknown>;
  helpers: Record<string, Helper>;
}

type Ev = (s: State) => unknown;

class Unsupported extends Error {}

const bail = (): never => {
  throw BAIL;
};

/** Node properties that change a node's meaning in ways this compiler does not reproduce. */
const UNSUPPORTED_PROPS = [
  'predicate',
  'stages',
  'group',
  'focus',
  'index',
  'tuple',
  'ancestor',
  'keepArray',
  'keepSingletonArray',
  'seekingParent',
];

function checkProps(node: Node): void {
  for (const p of UNSUPPORTED_PROPS)
    if (node[p] !== undefined) throw new Unsupported(`${node.type} with ${p}`);
}

const isPrimitive = (v: unknown) => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** jsonata's $boolean for the values we accept (arrays and functions bail). */
function toBoolean(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (v === null) return false;
  if (Array.isArray(v) || typeof v === 'function') return bail();
  return Object.keys(v as object).length > 0;
}

/** jsonata's $string for primitives. */
function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return bail();
    return JSON.stringify(Number(v.toPrecision(15)));
  }
  if (typeof v === 'boolean' || v === null) return String(v);
  return bail();
}

const number = (v: unknown): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v)) return bail();
  return v;
};

/** Built-in JSONata functions the fast path reproduces (explicit arguments only). */
const builtins: Record<string, { arity: [number, number]; fn: (...a: unknown[]) => unknown }> = {
  string: {
    arity: [1, 1],
    fn: (v) => (v === undefined ? undefined : toText(v)),
  },
  uppercase: {
    arity: [1, 1],
    fn: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toUpperCase() : bail()),
  },
  lowercase: {
    arity: [1, 1],
    fn: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toLowerCase() : bail()),
  },
  trim: {
    arity: [1, 1],
    fn: (v) => {
      if (v === undefined) return undefined;
      if (typeof v !== 'string') return bail();
      let r = v.replace(/[ \t\n\r]+/gm, ' ');
      if (r.charAt(0) === ' ') r = r.substring(1);
      if (r.charAt(r.length - 1) === ' ') r = r.substring(0, r.length - 1);
      return r;
    },
  },
  exists: { arity: [1, 1], fn: (v) => v !== undefined },
  boolean: { arity: [1, 1], fn: (v) => toBoolean(v) },
  not: { arity: [1, 1], fn: (v) => (v === undefined ? undefined : !toBoolean(v)) },
};

/** Names bound anywhere in the expression with `:=` (they shadow functions). */
function boundNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) boundNames(n, out);
  else if (node && typeof node === 'object') {
    const n = node as Node;
    if (n.type === 'bind' && (n.lhs as Node | undefined)?.type === 'variable')
      out.add(String((n.lhs as Node).value));
    for (const v of Object.values(n)) if (v && typeof v === 'object') boundNames(v, out);
  }
  return out;
}

function compileNode(node: Node, helperNames: ReadonlySet<string>, shadowed: ReadonlySet<string>): Ev {
  checkProps(node);
  const sub = (n: unknown) => compileNode(n as Node, helperNames, shadowed);
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const v = node.value;
      return () => v;
    }
    case 'path': {
      const steps = node.steps as Node[];
      const names: string[] = [];
      for (const step of steps) {
        checkProps(step);
        if (step.type !== 'name') throw new Unsupported(`path step ${step.type}`);
        names.push(String(step.value));
      }
      const lookup = (v: unknown, name: string): unknown => {
        if (v === null || v === undefined) return undefined;
        if (Array.isArray(v)) return bail();
        if (typeof v !== 'object') return undefined;
        return (v as Record<string, unknown>)[name];
      };
      const finish = (v: unknown) => (Array.isArray(v) || typeof v === 'function' ? bail() : v);
      if (names.length === 1) {
        const [a] = names as [string];
        return (s) => finish(lookup(s.input, a));
      }
      return (s) => {
        let v: unknown = s.input;
        for (const name of names) v = lookup(v, name);
        return finish(v);
      };
    }
    case 'variable': {
      const name = String(node.value);
      if (name === '' || name === '$') {
        return (s) => (Array.isArray(s.input) ? bail() : s.input);
      }
      if (!shadowed.has(name) && (helperNames.has(name) || name in builtins)) {
        throw new Unsupported(`function $${name} used as a value`);
      }
      return (s) => {
        const v = s.vars[name];
        return Array.isArray(v) || typeof v === 'function' ? bail() : v;
      };
    }
    case 'unary': {
      if (node.value === '-') {
        const e = sub(node.expression);
        return (s) => {
          const v = number(e(s));
          return v === undefined ? undefined : -v;
        };
      }
      if (node.value === '[') {
        const items = (node.expressions as Node[]).map((n) => ({ ev: sub(n), nested: n.value === '[' }));
        return (s) => {
          const out: unknown[] = [];
          for (const item of items) {
            const v = item.ev(s);
            if (v === undefined) continue;
            if (item.nested || !Array.isArray(v)) out.push(v);
            else for (const x of v) out.push(x);
          }
          return out;
        };
      }
      if (node.value === '{') {
        const pairs = node.lhs as [Node, Node][];
        const seen = new Set<string>();
        const fields = pairs.map(([k, v]) => {
          if (k.type !== 'string') throw new Unsupported('computed object key');
          const key = String(k.value);
          if (seen.has(key)) throw new Unsupported(`duplicate key ${key}`);
          seen.add(key);
          return { key, ev: sub(v) };
        });
        return (s) => {
          const out: Record<string, unknown> = {};
          for (const f of fields) {
            const v = f.ev(s);
            if (v !== undefined) out[f.key] = v;
          }
          return out;
        };
      }
      throw new Unsupported(`unary ${String(node.value)}`);
    }
    case 'binary': {
      const op = String(node.value);
      const l = sub(node.lhs);
      const r = sub(node.rhs);
      switch (op) {
        case '+':
        case '-':
        case '*':
        case '/':
        case '%':
          return (s) => {
            const a = l(s);
            const b = r(s);
            if (a !== undefined) number(a);
            if (b !== undefined) number(b);
            if (a === undefined || b === undefined) return undefined;
            const x = a as number;
            const y = b as number;
            const v =
              op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
            return Number.isFinite(v) ? v : bail();
          };
        case '&':
          return (s) => {
            const a = l(s);
            const b = r(s);
            return (a === undefined ? '' : toText(a)) + (b === undefined ? '' : toText(b));
          };
        case '=':
        case '!=':
          return (s) => {
            const a = l(s);
            const b = r(s);
            if (a === undefined || b === undefined) return false;
            if (!isPrimitive(a) || !isPrimitive(b)) return bail();
            return op === '=' ? a === b : a !== b;
          };
        case '<':
        case '<=':
        case '>':
        case '>=':
          return (s) => {
            const a = l(s);
            const b = r(s);
            const ta = typeof a;
            const tb = typeof b;
            if (!(ta === 'undefined' || ta === 'string' || ta === 'number')) return bail();
            if (!(tb === 'undefined' || tb === 'string' || tb === 'number')) return bail();
            if (a === undefined || b === undefined) return undefined;
            if (ta !== tb) return bail();
            const x = a as number;
            const y = b as number;
            return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
          };
        case 'and':
          return (s) => (toBoolean(l(s)) ?? false) && (toBoolean(r(s)) ?? false);
        case 'or':
          return (s) => (toBoolean(l(s)) ?? false) || (toBoolean(r(s)) ?? false);
        case 'in':
          return (s) => {
            const a = l(s);
            const b = r(s);
            if (a === undefined || b === undefined) return false;
            const list = Array.isArray(b) ? b : [b];
            for (const x of list) if (x === a) return true;
            return false;
          };
        default:
          throw new Unsupported(`operator ${op}`);
      }
    }
    case 'condition': {
      const c = sub(node.condition);
      const t = sub(node.then);
      const e = node.else === undefined ? undefined : sub(node.else);
      return (s) => (toBoolean(c(s)) ? t(s) : e ? e(s) : undefined);
    }
    case 'block': {
      const exprs = (node.expressions as Node[]).map(sub);
      return (s) => {
        const inner: State = {
          input: s.input,
          vars: Object.create(s.vars) as Record<string, unknown>,
          helpers: s.helpers,
        };
        let v: unknown;
        for (const e of exprs) v = e(inner);
        return v;
      };
    }
    case 'bind': {
      const lhs = node.lhs as Node;
      if (lhs.type !== 'variable') throw new Unsupported('bind to a non-variable');
      const name = String(lhs.value);
      const rhs = sub(node.rhs);
      return (s) => {
        const v = rhs(s);
        s.vars[name] = v;
        return v;
      };
    }
    case 'function': {
      const proc = node.procedure as Node;
      if (proc.type !== 'variable') throw new Unsupported('call of a non-variable');
      const name = String(proc.value);
      if (shadowed.has(name)) throw new Unsupported(`call of bound variable $${name}`);
      const args = ((node.arguments as Node[] | undefined) ?? []).map((a) => {
        if (a.type === 'operator' && a.value === '?') throw new Unsupported('partial application');
        return sub(a);
      });
      if (helperNames.has(name)) {
        return (s) => {
          const values = args.map((a) => a(s));
          return s.helpers[name]!(...values);
        };
      }
      const builtin = builtins[name];
      if (!builtin) throw new Unsupported(`function $${name}`);
      if (args.length < builtin.arity[0] || args.length > builtin.arity[1]) {
        throw new Unsupported(`$${name} with ${args.length} arguments`);
      }
      if (args.length === 1) {
        const [a] = args as [Ev];
        return (s) => builtin.fn(a(s));
      }
      return (s) => builtin.fn(...args.map((a) => a(s)));
    }
    default:
      throw new Unsupported(`node ${node.type}`);
  }
}

/**
 * Compiles a parsed JSONata expression, or says why it cannot. `helperNames` are the functions the
 * mapping registers (called with the evaluated arguments, like jsonata calls bound functions).
 */
export function compileFast(
  ast: jsonata.ExprNode,
  helperNames: ReadonlySet<string>,
): { fn: FastFunction } | { unsupported: string } {
  try {
    const shadowed = boundNames(ast);
    const ev = compileNode(ast as Node, helperNames, shadowed);
    const usesVars = shadowed.size > 0;
    const fn: FastFunction = (input, scope) =>
      ev({
        input,
        vars: usesVars ? (Object.create(scope.bindings) as Record<string, unknown>) : scope.bindings,
        helpers: scope.helpers,
      });
    return { fn };
  } catch (err) {
    if (err instanceof Unsupported) return { unsupported: err.message };
    throw err;
  }
}
