/** A filter the record type does not have (e.g. `status` on exports). The API answers 400. */
export class UnsupportedFilterError extends Error {
  constructor(
    readonly recordType: string,
    readonly filter: string,
  ) {
    super(`Records of type ${recordType} cannot be filtered by ${filter}`);
    this.name = this.constructor.name;
  }
}

/** A page cursor that this service did not issue (or for another record type). The API answers 400. */
export class InvalidCursorError extends Error {
  constructor(message = 'The page cursor is not valid; start again without one') {
    super(message);
    this.name = this.constructor.name;
  }
}
