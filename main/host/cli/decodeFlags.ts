/**
 * The decoding flags translate and evaluate share (--beam, --alpha, --nbest, --no-cache),
 * declared by the decode schema, and their parsing into complete settings: the defaults are
 * filled in here, where the arguments arrive. A beam of width 1 is greedy decoding.
 */
import { parseSettings } from '../../../shared/config';
import {
  DECODE_FIELDS,
  decodeSettingsSchema,
  type DecodeSettings,
} from '../../../shared/schema/decode';
import { flagFields, parseFlags, type FlagField } from './settingFlags';

const [beamSize, alpha, nbest, cache] = flagFields(
  DECODE_FIELDS.beamSize,
  DECODE_FIELDS.alpha,
  DECODE_FIELDS.nbest,
  DECODE_FIELDS.cache,
) as [FlagField, FlagField, FlagField, FlagField];

/** The decoding settings the CLI takes as flags. */
export const DECODE_FLAGS = { beamSize, alpha, nbest, cache };

/** What the CLI decodes with: every setting but the attention maps. */
export type CliDecodeSettings = Omit<DecodeSettings, 'attention'>;

/**
 * Complete decoding settings from the flags given: each flag checked against its range,
 * n-best against the beam, the rest the schema's defaults; --beam 1 decodes greedily.
 * @throws AppError(InvalidArgument) with a sentence naming what is wrong
 */
export function parseDecodeFlags(
  flags: readonly FlagField[],
  values: Readonly<Record<string, string | boolean | undefined>>,
): CliDecodeSettings {
  const given = parseFlags<DecodeSettings>(flags, values);
  // Checked as a beam, so --nbest above --beam is refused even when --beam 1 means greedy.
  const { attention: _attention, ...settings } = parseSettings(decodeSettingsSchema, {
    ...given,
    mode: 'beam',
  });
  return { ...settings, mode: settings.beamSize === 1 ? 'greedy' : 'beam' };
}
