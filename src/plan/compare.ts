/**
 * Text order by code units. `localeCompare` would load ICU's collator on its
 * first call, 11 ms of every command that sorts a listing (measured on
 * `bluegreen status`); the names sorted here (containers, routers, keys)
 * are ASCII, for which both orders agree but on case.
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
