/**
 * Any settings field as its input: a NumberField, a SelectField or a checkbox, picked by the
 * field's kind, so a form is a map over a field table (shared/schema/).
 */
import type { FieldEntry } from '../../../shared/schema/field';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';

export interface SettingFieldProps {
  field: FieldEntry;
  value: number | string | boolean;
  onChange: (value: number | string | boolean) => void;
  testId: string;
  /** Sentences about this field's value. */
  issues?: readonly string[];
}

export function SettingField({ field, value, onChange, testId, issues = [] }: SettingFieldProps) {
  switch (field.kind) {
    case 'number':
      return (
        <NumberField
          field={field}
          value={value as number}
          onChange={onChange}
          testId={testId}
          issues={issues}
        />
      );
    case 'choice':
      return (
        <SelectField field={field} value={value as string} onChange={onChange} testId={testId} />
      );
    case 'switch':
      return (
        <label className={`check${issues.length > 0 ? ' invalid' : ''}`} title={field.help}>
          <input
            type="checkbox"
            checked={value as boolean}
            data-testid={testId}
            onChange={(e) => onChange(e.target.checked)}
          />
          {field.label}
        </label>
      );
  }
}
