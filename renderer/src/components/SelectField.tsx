/**
 * A labelled select driven by a settings field (shared/schema/): its label, options and
 * help come from the schema, so every form offers a choice the same way.
 */
import type { ChoiceMeta, FieldEntry } from '../../../shared/schema/field';

export interface SelectFieldProps<V extends string> {
  field: FieldEntry<string, ChoiceMeta>;
  value: V;
  onChange: (value: V) => void;
  testId: string;
  /** Instead of the schema's label. */
  label?: string;
  /** Compact, in a row of controls. */
  inline?: boolean;
}

export function SelectField<V extends string>({
  field,
  value,
  onChange,
  testId,
  label,
  inline = false,
}: SelectFieldProps<V>) {
  return (
    <label className={inline ? 'inline' : undefined} title={field.help}>
      {label ?? field.label}
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as V)}>
        {field.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
