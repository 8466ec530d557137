import { SETTINGS, SETTING_NAMES, printSetting, type SettingDefaults, type SettingName } from './settings.js';

type Settings = typeof SETTINGS;

/** The settings that have a default value (auth, TLS, partitions and the like have none). */
type DefaultName = Exclude<
  { [K in SettingName]: undefined extends SettingDefaults[K] ? never : K }[SettingName],
  'partitions' | 'telemetryPartition'
>;

function hasDefault(name: SettingName): boolean {
  const value: unknown = SETTINGS[name].default;
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/** Every setting that has a default value, at that value, as `toJSON` prints it. */
function withDefaults(): {
  readonly [K in keyof Settings as K extends DefaultName ? K : never]: Settings[K]['default'];
} {
  const entries = SETTING_NAMES.filter(hasDefault).map((name) => [
    name,
    printSetting(name, SETTINGS[name].default, { secure: false }),
  ]);
  return Object.freeze(Object.fromEntries(entries));
}

/**
 * The values {@link Config.defaults} starts from: every setting that has a
 * default value, as {@link Config.toJSON} shows it. The settings table in the
 * configuration guide lists them with the rest.
 *
 * @example `DEFAULTS.retry.maxAttempts // 6`
 */
export const DEFAULTS = withDefaults();

/**
 * The retry defaults.
 * @deprecated Use {@link DEFAULTS}.retry: this is the same object under a second name.
 */
export const RETRY_DEFAULTS = DEFAULTS.retry;

/**
 * The circuit breaker defaults.
 * @deprecated Use {@link DEFAULTS}.circuitBreaker: this is the same object under a second name.
 */
export const BREAKER_DEFAULTS = DEFAULTS.circuitBreaker;
