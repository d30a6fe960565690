export const COLOURS = ['blue', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

export const otherColour = (colour: Colour): Colour => (colour === 'blue' ? 'green' : 'blue');

/** The colour a new release goes to: the one that is not live (blue first). */
export const candidateColour = (live: Colour | undefined): Colour => (live ? otherColour(live) : 'blue');

export const isColour = (value: unknown): value is Colour => value === 'blue' || value === 'green';
