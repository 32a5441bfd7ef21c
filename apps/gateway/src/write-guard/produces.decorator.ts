import { SetMetadata } from '@nestjs/common';

export const PRODUCES = 'projectionist:produces';

/** Declares the event types a write route may append, so a scoped write-guard holds only writes that feed a rebuilding projection. */
export const Produces = (...eventTypes: string[]) => SetMetadata(PRODUCES, eventTypes);
