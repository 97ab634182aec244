/**
 * The connector kinds the hub knows, and validation of an instance's configuration and secrets
 * against its kind's schemas (phase B runs this when an instance is created or changed).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

import type { AnyConnectorKind } from './contract.js';
import { ConnectorError } from './errors.js';
import { fileKind } from './kinds/file.js';
import { httpJsonKind } from './kinds/http-json.js';

export const connectorKinds: ReadonlyMap<string, AnyConnectorKind> = new Map<string, AnyConnectorKind>([
  [httpJsonKind.name, httpJsonKind],
  [fileKind.name, fileKind],
]);

export function getKind(name: string): AnyConnectorKind {
  const kind = connectorKinds.get(name);
  if (!kind) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_CONFIG',
      `unknown connector kind "${name}" (known: ${[...connectorKinds.keys()].join(', ')})`,
    );
  }
  return kind;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

function validator(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** One problem with a configuration: where and what (never the value, which may be a secret). */
export interface ConfigProblem {
  path: string;
  message: string;
}

function problems(v: ValidateFunction): ConfigProblem[] {
  return (v.errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    message: `${e.message ?? 'is not valid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`,
  }));
}

/** Checks a configuration against the kind's schema; throws RMDX_CONN_BAD_CONFIG listing the problems. */
export function validateConfig(kind: AnyConnectorKind, config: unknown): void {
  const v = validator(kind.configSchema);
  if (!v(config)) {
    const list = problems(v);
    throw new ConnectorError(
      'RMDX_CONN_BAD_CONFIG',
      `the ${kind.name} configuration is not valid: ${list.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      { details: { problems: list } },
    );
  }
}

/** Checks secrets against the kind's schema; the error names paths only, never values. */
export function validateSecrets(kind: AnyConnectorKind, secrets: unknown): void {
  const v = validator(kind.secretsSchema);
  if (!v(secrets)) {
    const list = problems(v);
    throw new ConnectorError(
      'RMDX_CONN_BAD_CONFIG',
      `the ${kind.name} secrets are not valid: ${list.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      { details: { problems: list } },
    );
  }
}
