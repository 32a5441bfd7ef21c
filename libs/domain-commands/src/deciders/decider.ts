/** An aggregate as pure functions: state folded from its events, commands decided into new events. */
export interface Decider<TState, TCommand, TEvent extends { type: string; data: unknown }> {
  readonly initialState: TState;
  evolve(state: TState, event: { type: string; data: unknown }): TState;
  /** The events the command leads to, or a DomainRejection. */
  decide(command: TCommand, state: TState): TEvent[];
}
