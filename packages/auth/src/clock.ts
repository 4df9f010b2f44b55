// Owns time for @weir/auth, so tests can move it (session and token expiry, sliding windows).
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
