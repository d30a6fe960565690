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

export const livePriority = (generation: number) => LIVE_PRIORITY_BASE + generation;

/**
 * A release's other routed targets (`-t web -t api`) rank above its first
 * target, each in its own band, in the order of the priority Traefik gave
 * their routers before (rank 1, 2, …): within a generation the narrower
 * route wins as it did, and each band grows by one per generation like the
 * first target's, so a newer switch shadows every target of the older one.
 * The bands stay below the check routers.
 */
export const COMPANION_BAND = 10_000_000;
export const MAX_ROUTED_COMPANIONS = 39;
export const companionLivePriority = (generation: number, rank: number) => LIVE_PRIORITY_BASE + rank * COMPANION_BAND + generation;
/** A routed companion's preview router sits above its colour's first target's, by its rank. */
export const companionPreviewPriority = (rank: number) => PREVIEW_PRIORITY + rank;
