/** A command the domain refuses; `code` maps to an HTTP status at the edge (404 or 409). */
export class DomainRejection extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'ALREADY_EXISTS' | 'INVALID_STATE',
    message: string,
  ) {
    super(message);
    this.name = 'DomainRejection';
  }
}
