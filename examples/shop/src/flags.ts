// Every flag key the shop checks, in one place: the server reads the constants object, the web front end
// the enum (LaunchDarkly's React SDK also exposes keys camelCased through useFlags()).

/** Flags the server evaluates through OpenFeature. */
export const FLAGS = {
  NEW_CHECKOUT: 'new-checkout',
  FREE_SHIPPING: 'free-shipping',
  EXPRESS_DELIVERY: 'express-delivery',
  FAST_SEARCH: 'fast-search',
  LEGACY_SEARCH: 'legacy-search',
  RECOMMENDATIONS_V2: 'recommendations-v2',
  HOLIDAY_SALE: 'holiday-sale',
  MAINTENANCE_MODE: 'maintenance-mode',
} as const;

export type ServerFlag = (typeof FLAGS)[keyof typeof FLAGS];

/** Flags the web front end reads through LaunchDarkly's client. */
export enum UiFlag {
  DarkMode = 'dark-mode',
  OneClickPay = 'one-click-pay',
  BetaDashboard = 'beta-dashboard',
}
