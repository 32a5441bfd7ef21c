/**
 * Decides which async projections this node runs. The elected node claims a lease for each one
 * it is assigned and starts its term with those epochs; the leases fence out any other node, so
 * how projections are spread over workers is this decision alone.
 */
export interface ProjectionDistributor {
  /** Out of every async projection's name, those this node runs in the term it is starting. */
  assigned(all: readonly string[]): readonly string[];
}

/** HotCold: the one active node runs every async projection. */
export class AllProjections implements ProjectionDistributor {
  assigned(all: readonly string[]): readonly string[] {
    return all;
  }
}
