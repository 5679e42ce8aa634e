// A small coloured label for a state. The colour is decoration only: the text always says the state,
// so the badge reads the same without colour vision.
export type BadgeTone = 'ok' | 'bad' | 'neutral';

export function StatusBadge(props: { tone: BadgeTone; label: string }) {
  return <span class={`badge badge--${props.tone}`}>{props.label}</span>;
}
