/**
 * The import options under the preview: how to read the files, the cleaning rules, the
 * validation split and the vocabulary. The numbers and choices are schema fields
 * (shared/schema/importOptions.ts), so their ranges and labels are the importer's own.
 */
import { fieldIssue } from '../../../../shared/schema/field';
import {
  CLEANING_FIELDS,
  IMPORT_FIELDS,
  SPLIT_FIELDS,
} from '../../../../shared/schema/importOptions';
import type { DatasetPreview } from '../../../../shared/preview';
import type { ColumnInfo, ColumnRef, CorpusFormat } from '../../../../shared/types';
import { NumberField } from '../../components/NumberField';
import { SelectField } from '../../components/SelectField';
import { SettingField } from '../../components/SettingField';
import { useStudio } from '../../store';
import type { ImportForm } from '../../store/importForm';
import { languageNote } from './importNotes';

function refKey(ref: ColumnRef | undefined): string {
  return ref === undefined ? '' : typeof ref === 'number' ? `#${ref}` : `.${ref}`;
}
function parseRef(key: string): ColumnRef {
  return key.startsWith('#') ? Number(key.slice(1)) : key.slice(1);
}

/** What is wrong with the form, as sentences: each number against its field, and the columns. */
export function importFormIssues(form: ImportForm, columns: readonly ColumnInfo[]): string[] {
  const c = form.cleaning;
  const issues = [
    fieldIssue(IMPORT_FIELDS.vocabSize, form.vocabSize),
    fieldIssue(SPLIT_FIELDS.fraction, form.validFraction),
    fieldIssue(SPLIT_FIELDS.seed, form.validSeed),
    fieldIssue(CLEANING_FIELDS.minLength, c.minLength),
    fieldIssue(CLEANING_FIELDS.maxLength, c.maxLength),
    fieldIssue(CLEANING_FIELDS.maxRatio, c.maxRatio),
  ].filter((m) => m !== undefined);
  if (columns.length > 0 && form.columns && refKey(form.columns.src) === refKey(form.columns.tgt))
    issues.push('Pick two different columns for the source and the target.');
  return issues;
}

/** The options form; `canImport` when the preview found no problem and the form none either. */
export function ImportOptionsForm({
  preview,
  canImport,
  running,
}: {
  preview: DatasetPreview;
  canImport: boolean;
  running: boolean;
}) {
  const form = useStudio((s) => s.importForm);
  const setForm = useStudio((s) => s.setImportForm);
  const startImport = useStudio((s) => s.startImport);
  const cancelImport = useStudio((s) => s.cancelImport);
  const columns = preview.columns?.columns ?? [];
  const cleaning = form.cleaning;
  const formIssues = importFormIssues(form, columns);
  const bad = (issue: string | undefined) => issue !== undefined;

  return (
    <form
      noValidate
      className="options"
      onSubmit={(e) => {
        e.preventDefault();
        if (canImport) void startImport();
      }}
    >
      <fieldset disabled={running}>
        <legend>Reading</legend>
        <div className="grid">
          <SelectField<CorpusFormat>
            field={IMPORT_FIELDS.format}
            value={form.format ?? preview.format}
            testId="opt-format"
            onChange={(format) => setForm({ format, columns: undefined, header: undefined }, true)}
          />
          {columns.length > 0 && (
            <>
              <label>
                Source column
                <select
                  value={refKey(form.columns?.src)}
                  data-testid="opt-src-column"
                  onChange={(e) =>
                    setForm(
                      {
                        columns: {
                          src: parseRef(e.target.value),
                          tgt: form.columns?.tgt ?? parseRef(refKey(columns[1]?.ref)),
                        },
                      },
                      true,
                    )
                  }
                >
                  {columns.map((c) => (
                    <option key={refKey(c.ref)} value={refKey(c.ref)}>
                      {c.name}
                      {c.lang ? ` (${c.lang})` : ''} — {c.samples[0] ?? ''}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Target column
                <select
                  value={refKey(form.columns?.tgt)}
                  data-testid="opt-tgt-column"
                  onChange={(e) =>
                    setForm(
                      {
                        columns: {
                          src: form.columns?.src ?? parseRef(refKey(columns[0]?.ref)),
                          tgt: parseRef(e.target.value),
                        },
                      },
                      true,
                    )
                  }
                >
                  {columns.map((c) => (
                    <option key={refKey(c.ref)} value={refKey(c.ref)}>
                      {c.name}
                      {c.lang ? ` (${c.lang})` : ''} — {c.samples[0] ?? ''}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          {(form.format === 'tsv' || form.format === 'csv') && (
            <label className="check">
              <input
                type="checkbox"
                checked={form.header ?? false}
                data-testid="opt-header"
                onChange={(e) => setForm({ header: e.target.checked, columns: undefined }, true)}
              />
              First row is a header
            </label>
          )}
          <label>
            Source language
            <input
              type="text"
              value={form.srcLang}
              placeholder="not set"
              data-testid="opt-src-lang"
              onChange={(e) => setForm({ srcLang: e.target.value })}
            />
          </label>
          <label>
            Target language
            <input
              type="text"
              value={form.tgtLang}
              placeholder="not set"
              data-testid="opt-tgt-lang"
              onChange={(e) => setForm({ tgtLang: e.target.value })}
            />
          </label>
        </div>
        <LanguageNote srcLang={form.srcLang} tgtLang={form.tgtLang} />
      </fieldset>
      <fieldset disabled={running}>
        <legend>Cleaning</legend>
        <div className="grid">
          <SelectField<'words' | 'chars'>
            field={CLEANING_FIELDS.lengthUnit}
            value={cleaning.lengthUnit}
            testId="opt-length-unit"
            onChange={(lengthUnit) => setForm({ cleaning: { ...cleaning, lengthUnit } })}
          />
          <NumberField
            field={CLEANING_FIELDS.minLength}
            value={cleaning.minLength}
            testId="opt-min-length"
            invalid={bad(fieldIssue(CLEANING_FIELDS.minLength, cleaning.minLength))}
            onChange={(minLength) => setForm({ cleaning: { ...cleaning, minLength } })}
          />
          <NumberField
            field={CLEANING_FIELDS.maxLength}
            value={cleaning.maxLength}
            testId="opt-max-length"
            invalid={bad(fieldIssue(CLEANING_FIELDS.maxLength, cleaning.maxLength))}
            onChange={(maxLength) => setForm({ cleaning: { ...cleaning, maxLength } })}
          />
          <NumberField
            field={CLEANING_FIELDS.maxRatio}
            value={cleaning.maxRatio}
            testId="opt-max-ratio"
            invalid={bad(fieldIssue(CLEANING_FIELDS.maxRatio, cleaning.maxRatio))}
            onChange={(maxRatio) => setForm({ cleaning: { ...cleaning, maxRatio } })}
          />
          <SettingField
            field={CLEANING_FIELDS.dedupe}
            value={cleaning.dedupe}
            testId="opt-dedupe"
            onChange={(v) => setForm({ cleaning: { ...cleaning, dedupe: v === true } })}
          />
          <SettingField
            field={CLEANING_FIELDS.dropIdentical}
            value={cleaning.dropIdentical}
            testId="opt-drop-identical"
            onChange={(v) => setForm({ cleaning: { ...cleaning, dropIdentical: v === true } })}
          />
        </div>
      </fieldset>
      <fieldset disabled={running}>
        <legend>Split and vocabulary</legend>
        <div className="grid">
          <NumberField
            field={SPLIT_FIELDS.fraction}
            value={form.validFraction}
            testId="opt-valid-fraction"
            invalid={bad(fieldIssue(SPLIT_FIELDS.fraction, form.validFraction))}
            onChange={(validFraction) => setForm({ validFraction })}
          />
          <NumberField
            field={SPLIT_FIELDS.seed}
            value={form.validSeed}
            testId="opt-valid-seed"
            invalid={bad(fieldIssue(SPLIT_FIELDS.seed, form.validSeed))}
            onChange={(validSeed) => setForm({ validSeed })}
          />
          <NumberField
            field={IMPORT_FIELDS.vocabSize}
            value={form.vocabSize}
            testId="opt-vocab-size"
            invalid={bad(fieldIssue(IMPORT_FIELDS.vocabSize, form.vocabSize))}
            onChange={(vocabSize) => setForm({ vocabSize })}
          />
          <SettingField
            field={IMPORT_FIELDS.sharedVocab}
            value={form.sharedVocab}
            testId="opt-shared-vocab"
            onChange={(v) => setForm({ sharedVocab: v === true })}
          />
          <label className="wide">
            Name
            <input
              type="text"
              value={form.name}
              data-testid="opt-name"
              onChange={(e) => setForm({ name: e.target.value })}
            />
          </label>
        </div>
      </fieldset>
      {formIssues.length > 0 && (
        <ul className="issues" role="alert" data-testid="import-form-issues">
          {formIssues.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button
          type="submit"
          className="btn primary"
          disabled={!canImport}
          data-testid="import-button"
        >
          Import
        </button>
        {running && (
          <button
            type="button"
            className="btn"
            onClick={() => void cancelImport()}
            data-testid="import-cancel"
          >
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function LanguageNote({ srcLang, tgtLang }: { srcLang: string; tgtLang: string }) {
  const note = languageNote(srcLang, tgtLang);
  return note ? (
    <p className="muted small" data-testid="lang-unset-note">
      {note}
    </p>
  ) : null;
}
