import type { LokLateReductionRule, LokMunicipalRules, LokRates } from '@stafett/domain';
import { DEFAULT_LOK_LATE_REDUCTION } from '@stafett/domain';

/** Configuration of the LOK-stöd connector (module options; see apps/connector-lok/README.md). */
export interface LokConnectorOptions {
  /** The connector instance: its consumer group is `stafett-connector-<connectorId>`. Default `lok`. */
  readonly connectorId?: string;
  /** Rates of the estimated amounts, SEK. */
  readonly rates?: LokRates;
  /** Reduction of a late application. */
  readonly lateReduction?: LokLateReductionRule;
  /** Municipal rule sets by the club's municipality code (SCB, 4 digits); a club of another municipality gets the state rules. */
  readonly municipalRules?: Readonly<Record<string, LokMunicipalRules>>;
  /** Start the sink that follows the state topics (tests and the bench may only want the REST side). Default true. */
  readonly sink?: boolean;
}

/**
 * Default rates: placeholders of the size of the state's LOK-stöd (per activity and per participant
 * occasion); check them against RF's current decision and set them per installation.
 */
export const DEFAULT_LOK_RATES: LokRates = { perActivity: 34, perParticipantOccasion: 9, perLeaderOccasion: 0 };

export interface LokSettings {
  readonly connectorId: string;
  readonly rates: LokRates;
  readonly lateReduction: LokLateReductionRule;
  readonly municipalRules: Readonly<Record<string, LokMunicipalRules>>;
  readonly sink: boolean;
}

export function lokSettings(options: LokConnectorOptions): LokSettings {
  return {
    connectorId: options.connectorId ?? 'lok',
    rates: options.rates ?? DEFAULT_LOK_RATES,
    lateReduction: options.lateReduction ?? DEFAULT_LOK_LATE_REDUCTION,
    municipalRules: options.municipalRules ?? {},
    sink: options.sink ?? true,
  };
}

export const LOK_SETTINGS = Symbol('LOK_SETTINGS');
