export { BAIL, compileFast, type FastFunction } from './compile.js';
export { buildCodeTables, builtInListNames, codeKey, iso3166Alpha2, lookupCode } from './crosswalks.js';
export { createHelpers, helperNames, HelperUsageError } from './helpers.js';
export {
  defineMapping,
  globToRegExp,
  loadMapping,
  manifestSchema,
  MappingError,
  type ColumnSpec,
  type CompiledSource,
  type Mapping,
  type MappingManifest,
  type MappingOptions,
  type SourceSpec,
} from './manifest.js';
export {
  createMapper,
  Mapper,
  mapRows,
  type MapOptions,
  type MappedRecord,
  type MapResult,
  type MapStats,
  type RowOrigin,
} from './runtime.js';
export {
  Failure,
  formatFrench,
  isOffset,
  parseDate,
  parseDecimal,
  parseTimestamp,
  timestampMillis,
  toExcelSerial,
  type DateOrder,
  type DecimalSeparator,
} from './values.js';
