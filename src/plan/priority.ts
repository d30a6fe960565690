/**
 * Router priorities. Traefik routes a request to the matching router of
 * highest priority, so the live router of the newest switch shadows the
 * previous one. Live priorities start above any rule-length default a user's
 * own routers get (Traefik's default priority is the rule's length) and grow
 * by one per switch or rollback; preview routers sit above every live one so
 * that a request carrying the colour header reaches that colour.
 */
export const LIVE_PRIORITY_BASE = 100_000;
export const PREVIEW_PRIORITY = 1_000_000_000;
/**
 * Check routers (colour_header: preview) mirror the live routers for a
 * request carrying the preview key: above every live and team router, in
 * the same order between colours (the generation), below the previews.
 */
export const CHECK_PRIORITY_BASE = 500_000_000;
export const checkPriority = (generation: number) => CHECK_PRIORITY_BASE + generation;

/**
 * Each generation spans GENERATION_STRIDE priorities: its first target's
 * live router at the bottom, its routed companions' above it by rank. A
 * newer generation is above every router of an older one, so a switch moves
 * every target, even one the new release no longer has or ranks otherwise.
 */
export const GENERATION_STRIDE = 40;
export const livePriority = (generation: number) => LIVE_PRIORITY_BASE + generation * GENERATION_STRIDE;
/**
 * The live priority of colours launched before routed companions (one per
 * generation): such a colour is still recognised as live, and a replica
 * added to it carries the same router (Traefik drops a router defined two ways).
 */
export const legacyLivePriority = (generation: number) => LIVE_PRIORITY_BASE + generation;

/**
 * A release's other routed targets (`-t web -t api`) rank above its first
 * target within their generation (rank 1, 2, …, in the order of the priority
 * Traefik gave their routers before), so the narrower route wins as it did.
 */
export const MAX_ROUTED_COMPANIONS = GENERATION_STRIDE - 1;
export const companionLivePriority = (generation: number, rank: number) => livePriority(generation) + rank;
/** A routed companion's preview router sits above its colour's first target's, by its rank. */
export const companionPreviewPriority = (rank: number) => PREVIEW_PRIORITY + rank;

/**
 * The priorities at which a router is the live one of its generation: a
 * release's first target (rank 0) at the stride's priority, or at the
 * legacy one of a colour launched before the stride; a routed companion
 * (rank 1, 2, …: they came with the stride) at its rank above it.
 */
export const livePriorities = (generation: number, rank = 0): number[] => (rank === 0 ? [livePriority(generation), legacyLivePriority(generation)] : [companionLivePriority(generation, rank)]);

/** Whether a router's priority makes it the live router of that generation (and rank). */
export const countsAsLive = (priority: number, generation: number, rank = 0) => livePriorities(generation, rank).includes(priority);
