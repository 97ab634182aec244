/** Who may do what. A submitter acts for one member state; the secretariat for all; an auditor reads all. */
export const roles = ['submitter', 'secretariat', 'auditor'] as const;
export type Role = (typeof roles)[number];

/** The caller of a request, resolved from its API key (or a console session). */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** The member state of a submitter; null for the secretariat and auditors. */
  country: string | null;
}

/** May this principal read data of `country`? */
export function canRead(p: Principal, country: string): boolean {
  return p.role !== 'submitter' || p.country === country;
}

/** May this principal submit or change data of `country`? Auditors change nothing. */
export function canWrite(p: Principal, country: string): boolean {
  if (p.role === 'auditor') return false;
  return p.role === 'secretariat' || p.country === country;
}

/** The country filter a listing must apply: a submitter sees only its own country. */
export function countryScope(p: Principal): string | undefined {
  return p.role === 'submitter' ? (p.country ?? undefined) : undefined;
}
