/**
 * One setting, declared once: a zod schema plus what every surface needs to show it (label,
 * unit, help sentence, CLI flag, range, step, options, default). Groups of fields become a
 * zod object and a field table that the config checks, the CLI's flags and help, and the
 * renderer's forms are all derived from, so a range or a default is written in one place.
 */
import { z } from 'zod';

interface MetaBase {
  /** What a form shows next to the input ("Beam width"). */
  label: string;
  /** How a sentence names the setting; messages start with it ("d_model", "The beam size"). */
  noun: string;
  /** One sentence on what the setting does: the form's tooltip and the CLI's help. */
  help: string;
  /** The CLI flag without its dashes ("beam"), when a command takes the setting. */
  flag?: string;
  /** The CLI help, when the flag reads differently from the setting (`--no-cache`). */
  flagHelp?: string;
}

/** A number with its range; `integer` for counts. */
export interface NumberMeta extends MetaBase {
  kind: 'number';
  integer: boolean;
  min: number;
  max: number;
  /** The spinner step of a form's input. */
  step: number;
  unit?: string;
  /** 0 is accepted below `min` and means "off" (BLEU every 0 steps, no ratio filter). */
  zeroOff?: boolean;
  default?: number;
}

/** One of a few named values. */
export interface ChoiceMeta extends MetaBase {
  kind: 'choice';
  options: readonly { value: string; label: string }[];
  default?: string;
}

/** On or off. */
export interface SwitchMeta extends MetaBase {
  kind: 'switch';
  default?: boolean;
  /** The CLI flag is a switch that sets this value (`--no-cache` sets `cache` to false). */
  flagSets?: boolean;
}

export type FieldMeta = NumberMeta | ChoiceMeta | SwitchMeta;

/** A field of a table: its metadata and the key it has in its group's object. */
export type FieldEntry<K extends string = string, M extends FieldMeta = FieldMeta> = M & { key: K };

/** A setting: its schema and its metadata. */
export interface Field<S extends z.ZodType = z.ZodType, M extends FieldMeta = FieldMeta> {
  schema: S;
  meta: M;
}

type WithDefault<S extends z.ZodType, Spec> = Spec extends { default: unknown }
  ? z.ZodDefault<S>
  : S;

const plain = (n: number): string => String(n);

/**
 * What is wrong with a number for this field, as a sentence; undefined when it is fine.
 * @param noun how the sentence names the field (default its noun; the CLI passes `--flag`)
 */
export function numberIssue(
  meta: NumberMeta,
  value: unknown,
  noun = meta.noun,
): string | undefined {
  // NaN is what an empty form input holds; undefined is a field left out.
  const got =
    value === undefined || (typeof value === 'number' && Number.isNaN(value))
      ? 'nothing'
      : typeof value === 'number'
        ? plain(value)
        : (JSON.stringify(value) ?? String(value));
  const n = typeof value === 'number' ? value : NaN;
  if (meta.zeroOff === true && n === 0) return undefined;
  const off = meta.zeroOff === true ? ' (or 0 for off)' : '';
  if (meta.integer) {
    if (!Number.isFinite(n) || n < meta.min)
      return `${noun} must be a whole number of at least ${plain(meta.min)}${off}; got ${got}.`;
    if (n > meta.max)
      return `${noun} must be a whole number of at most ${plain(meta.max)}; got ${got}.`;
    if (!Number.isInteger(n)) return `${noun} must be a whole number; got ${got}.`;
    return undefined;
  }
  if (!Number.isFinite(n) || n < meta.min || n > meta.max)
    return `${noun} must be between ${plain(meta.min)} and ${plain(meta.max)}${off}; got ${got}.`;
  return undefined;
}

/** What is wrong with a value for any field, as a sentence; undefined when it is fine. */
export function fieldIssue(meta: FieldMeta, value: unknown, noun = meta.noun): string | undefined {
  switch (meta.kind) {
    case 'number':
      return numberIssue(meta, value, noun);
    case 'choice':
      return meta.options.some((o) => o.value === value)
        ? undefined
        : `${noun} must be one of ${meta.options.map((o) => o.value).join(', ')}; got ${String(value)}.`;
    case 'switch':
      return typeof value === 'boolean'
        ? undefined
        : `${noun} must be true or false; got ${String(value)}.`;
  }
}

type NumberSpec = Omit<NumberMeta, 'kind' | 'integer' | 'step'> & { step?: number };

function numberSchema(meta: NumberMeta): z.ZodNumber {
  return z
    .number({ error: (issue) => numberIssue(meta, issue.input) ?? `${meta.noun} is not valid.` })
    .superRefine((value, ctx) => {
      const message = numberIssue(meta, value);
      if (message !== undefined) ctx.addIssue({ code: 'custom', message, input: value });
    });
}

function finish<S extends z.ZodType, M extends FieldMeta>(schema: S, meta: M): Field<z.ZodType, M> {
  return {
    schema: meta.default === undefined ? schema : schema.default(meta.default as never),
    meta,
  };
}

/** A whole number in [min, max] (step 1 unless told). */
export function intField<const Spec extends NumberSpec>(
  spec: Spec,
): Field<WithDefault<z.ZodNumber, Spec>, NumberMeta> {
  const meta: NumberMeta = { step: 1, ...spec, kind: 'number', integer: true };
  return finish(numberSchema(meta), meta) as Field<WithDefault<z.ZodNumber, Spec>, NumberMeta>;
}

/** A real number in [min, max]. */
export function numberField<const Spec extends NumberSpec & { step: number }>(
  spec: Spec,
): Field<WithDefault<z.ZodNumber, Spec>, NumberMeta> {
  const meta: NumberMeta = { ...spec, kind: 'number', integer: false };
  return finish(numberSchema(meta), meta) as Field<WithDefault<z.ZodNumber, Spec>, NumberMeta>;
}

type ChoiceSpec<V extends string> = Omit<ChoiceMeta, 'kind' | 'options' | 'default'> & {
  values: readonly [V, ...V[]];
  /** Labels of the values a form shows; the value itself when left out. */
  labels?: Partial<Record<V, string>>;
  default?: V;
};

/** One of `values`. */
export function choiceField<V extends string, const Spec extends ChoiceSpec<V>>(
  spec: Spec & ChoiceSpec<V>,
): Field<WithDefault<z.ZodEnum<{ [K in V]: K }>, Spec>, ChoiceMeta> {
  const { values, labels, ...rest } = spec;
  const meta: ChoiceMeta = {
    ...rest,
    kind: 'choice',
    options: values.map((value) => ({ value, label: labels?.[value] ?? value })),
  };
  const schema = z.enum(values as unknown as [V, ...V[]], {
    error: (issue) => fieldIssue(meta, issue.input) ?? `${meta.noun} is not valid.`,
  });
  return finish(schema, meta) as Field<WithDefault<z.ZodEnum<{ [K in V]: K }>, Spec>, ChoiceMeta>;
}

/** On or off. */
export function switchField<const Spec extends Omit<SwitchMeta, 'kind'>>(
  spec: Spec,
): Field<WithDefault<z.ZodBoolean, Spec>, SwitchMeta> {
  const meta: SwitchMeta = { ...spec, kind: 'switch' };
  const schema = z.boolean({
    error: (issue) => fieldIssue(meta, issue.input) ?? `${meta.noun} is not valid.`,
  });
  return finish(schema, meta) as Field<WithDefault<z.ZodBoolean, Spec>, SwitchMeta>;
}

type Fields = Record<string, Field>;

/** A group of settings: its zod shape and its field table in declaration order. */
export interface SettingsGroup<F extends Fields> {
  shape: { [K in keyof F]: F[K]['schema'] };
  /** Every field by key, with its metadata. */
  fields: { [K in keyof F & string]: FieldEntry<K, F[K]['meta']> };
  table: readonly FieldEntry<keyof F & string, F[keyof F]['meta']>[];
}

/** Builds a group from its fields; the keys become the fields' keys. */
export function settingsGroup<F extends Fields>(fields: F): SettingsGroup<F> {
  const shape = {} as Record<string, z.ZodType>;
  const byKey = {} as Record<string, FieldEntry>;
  for (const [key, f] of Object.entries(fields)) {
    shape[key] = f.schema;
    byKey[key] = { ...f.meta, key };
  }
  return {
    shape: shape as SettingsGroup<F>['shape'],
    fields: byKey as SettingsGroup<F>['fields'],
    table: Object.values(byKey) as unknown as SettingsGroup<F>['table'],
  };
}

/** A problem with one field, as a sentence a person can act on. */
export interface ConfigIssue {
  field: string;
  message: string;
}

/** Every field of `table` whose value in `values` is out of its range or not of its kind. */
export function tableIssues(
  table: readonly FieldEntry[],
  values: Readonly<Record<string, unknown>>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const f of table) {
    const message = fieldIssue(f, values[f.key]);
    if (message !== undefined) issues.push({ field: f.key, message });
  }
  return issues;
}

/** Adds issues found by a whole-object rule to a zod refinement context, each at its field. */
export function reportIssues(issues: readonly ConfigIssue[], ctx: z.RefinementCtx): void {
  for (const i of issues) ctx.addIssue({ code: 'custom', message: i.message, path: [i.field] });
}
