/** The nine record types of the standard and the field that identifies each (with the reporting country). */
export const recordKeyFields = {
  mineSite: 'siteId',
  actor: 'actorId',
  licence: 'licenceId',
  inspection: 'inspectionId',
  lot: 'lotNumber',
  custodyTransfer: 'transferId',
  export: 'exportId',
  import: 'importId',
  certificate: 'certificateNumber',
} as const;

export type RecordType = keyof typeof recordKeyFields;

export const recordTypes = Object.keys(recordKeyFields) as RecordType[];

export function isRecordType(value: unknown): value is RecordType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(recordKeyFields, value);
}

/** A record as submitted: the standard's fields, untouched. */
export type SubmittedRecord = Record<string, unknown> & { recordType?: unknown; action?: unknown };

/** The identity of a record within its reporting country, or undefined when the key field is missing. */
export function recordKey(recordType: RecordType, record: SubmittedRecord): string | undefined {
  const value = record[recordKeyFields[recordType]];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // Certificate numbers compare upper-cased without spaces (standard-v1: certificate).
  return recordType === 'certificate' ? certificateKey(value) : value.trim().normalize('NFC');
}

/** A certificate number in the form the hub compares: upper case, no whitespace. */
export function certificateKey(value: string): string {
  return value.normalize('NFKC').toUpperCase().replace(/\s+/g, '');
}
