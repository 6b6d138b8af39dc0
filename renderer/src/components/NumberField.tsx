/**
 * A labelled number input driven by a settings field (shared/schema/): its label, unit,
 * range, step and help come from the schema, so every form shows a setting the same way.
 * An empty input is NaN, which the schema's checks report like any value out of range.
 */
import type { FieldEntry, NumberMeta } from '../../../shared/schema/field';

export interface NumberFieldProps {
  field: FieldEntry<string, NumberMeta>;
  /** NaN while the input is empty. */
  value: number;
  onChange: (value: number) => void;
  testId: string;
  /** Sentences about this field's value, shown under the input; the field is marked invalid. */
  issues?: readonly string[];
  /** Marks the field invalid without a sentence under it (the form lists the problem). */
  invalid?: boolean;
  /** Instead of the schema's label, where the form asks in its own words. */
  label?: string;
  /** Instead of the schema's help, as the tooltip. */
  title?: string;
  /** A tighter bound than the schema's, e.g. more steps than a run already has. */
  min?: number;
  /** Compact, in a row of controls. */
  inline?: boolean;
}

/**
 * The input's min: the schema's lower bound when the spinner's steps count from it. A browser
 * steps from min, so min 1 with step 100 would offer 1, 101, 201 and call 2000 a mismatch.
 */
function spinnerMin(
  field: FieldEntry<string, NumberMeta>,
  min: number | undefined,
): number | undefined {
  const lo = min ?? (field.zeroOff === true ? 0 : field.min);
  const steps = lo / field.step;
  return Math.abs(steps - Math.round(steps)) < 1e-9 ? lo : undefined;
}

/** The number an input holds: NaN when it is empty (so it can be reported, not silently 0). */
function inputNumber(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

export function NumberField({
  field,
  value,
  onChange,
  testId,
  issues = [],
  invalid = false,
  label,
  title,
  min,
  inline = false,
}: NumberFieldProps) {
  const bad = invalid || issues.length > 0;
  const issueId = `${testId}-issue`;
  const classes = [inline ? 'inline' : '', bad ? 'invalid' : ''].filter(Boolean).join(' ');
  return (
    <label className={classes || undefined} title={title ?? field.help}>
      {label ?? field.label}
      <input
        id={testId}
        type="number"
        min={spinnerMin(field, min)}
        max={field.max}
        step={field.step}
        value={Number.isFinite(value) ? value : ''}
        aria-invalid={bad}
        aria-describedby={issues.length > 0 ? issueId : undefined}
        data-testid={testId}
        onChange={(e) => onChange(inputNumber(e.target.value))}
      />
      {field.unit !== undefined && !inline && <span className="muted small">{field.unit}</span>}
      {issues.length > 0 && (
        <span className="field-issue" id={issueId}>
          {issues.join(' ')}
        </span>
      )}
    </label>
  );
}
