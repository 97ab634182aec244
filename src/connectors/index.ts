export type {
  AnyConnectorKind,
  CheckResult,
  ConnectorContext,
  ConnectorKind,
  Cursor,
  FileInput,
  JsonSchema,
  JsonValue,
  Page,
  ReadContext,
  SourceRow,
} from './contract.js';
export { dryRunMapping, type DryRunInput, type DryRunResult } from './dry-run.js';
export {
  classifyError,
  classifyStatus,
  ConnectorError,
  connectorErrorCodes,
  isConnectorError,
  isRetryable,
  redactSecrets,
  type ConnectorErrorCode,
} from './errors.js';
export { fileKind, type FileConfig, type FileCursor } from './kinds/file.js';
export {
  httpJsonKind,
  type HttpJsonConfig,
  type HttpJsonCursor,
  type HttpJsonSecrets,
} from './kinds/http-json.js';
export {
  describeIssue,
  mappingIssueCodes,
  type MappingIssue,
  type MappingIssueCode,
} from './mapping-issues.js';
export * from './mapping/index.js';
export { connectorKinds, getKind, validateConfig, validateSecrets } from './registry.js';
export { backoffDelay, defaultRetryPolicy, sleep, withRetry, type RetryPolicy } from './retry.js';
