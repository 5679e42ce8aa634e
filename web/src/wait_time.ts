// Turns a Retry-After wait into the whole minutes a person is told to wait. Rounds up: "61 s" reads
// "2 min", as rounding down would invite a retry that is refused again. Never less than 1.
export function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
