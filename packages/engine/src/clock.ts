// Owns time for the engine, so tests and `weir dags test` can control it.
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
