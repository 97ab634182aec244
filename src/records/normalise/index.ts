export { lowerCode, lowerCodeList, transportRefKey, upperCode } from './codes.js';
export { decimalEquals, decimalText, toDecimal, type Decimal } from './decimal.js';
export { hsCodeDigits, mineralOfHsCode } from './hs-code.js';
export {
  canonicalRow,
  normaliseRecord,
  type NormaliseContext,
  type NormalisedRow,
} from './normalise-record.js';
export { legalForms, partyNameKey } from './party-name.js';
export { cleanDate, cleanText, cleanTextList, cleanTimestamp } from './text.js';
export { isMassUnit, kilogramsPerUnit, massToKg, metalKg, type MassUnit } from './units.js';
