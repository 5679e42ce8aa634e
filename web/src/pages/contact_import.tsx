// Import wizard (/contacts/import, relationships:admin). 1) Choose a file: its first 256 KiB are
// read in the browser (cut at the last line break) and sent to POST /contacts/import/preview.
// 2) Map: each column with its first values and a select of the fields the server offers ("—
// ignore —" leaves it out), the natural key, the commit mode and a preset (HubSpot, Salesforce or
// a saved mapping); a custom mapping is saved under a name (default: from the file name). 3) "Check
// (dry run)" shows what would happen: rows, to create, to update, unchanged, errors with line and
// reason. 4) "Import" writes and shows the final report. The error report downloads as a CSV built
// here. The file itself is sent as the request body, so the browser streams it from disk.
import { useEffect, useState } from 'preact/hooks';
import {
  kCommitModes,
  kImportKeys,
  kPreviewBytesMax,
  listMappings,
  previewImport,
  runImport,
  saveMapping,
  type ImportMapping,
  type ImportPreview,
  type ImportReport,
} from '../api/contacts';
import { Field, Notice, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { defaultMappingName, errorReportCsv, importFormatOf, mappingPairs, previewCut } from '../contact_logic';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { PageHeading } from '../page_heading';
import { Link } from '../router';

const kPresets = ['hubspot', 'salesforce'] as const;
const kPreviewRowsShown = 3;

const kKeyLabels: Readonly<Record<string, MessageKey>> = {
  email: 'import.key.email',
  phone: 'import.key.phone',
  external_id: 'import.key.external_id',
};
const kCommitLabels: Readonly<Record<string, MessageKey>> = {
  batch: 'import.commit.batch',
  all: 'import.commit.all',
};

async function readSample(file: File): Promise<Blob> {
  const bytes = new Uint8Array(await file.slice(0, kPreviewBytesMax).arrayBuffer());
  const length = file.size > kPreviewBytesMax ? previewCut(bytes) : bytes.length;
  return new Blob([bytes.subarray(0, length)]);
}

function download(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function ReportView(props: { report: ImportReport; file_name: string }) {
  const { t, format } = useI18n();
  const { report } = props;
  const facts: [MessageKey, number, string][] = [
    ['import.rows', report.rows, 'rows'],
    [report.dry_run ? 'import.to_create' : 'import.created', report.created, 'created'],
    [report.dry_run ? 'import.to_update' : 'import.updated', report.updated, 'updated'],
    ['import.unchanged', report.unchanged, 'unchanged'],
    ['import.failed', report.failed, 'failed'],
  ];
  return (
    <div data-testid={report.dry_run ? 'dry-run-report' : 'import-report'}>
      <dl class="facts">
        {facts.map(([key, value, name]) => (
          <div class="facts__row" key={name}>
            <dt>{t(key)}</dt>
            <dd data-testid={`report-${name}`}>{format.number(value, { fraction_digits_max: 0 })}</dd>
          </div>
        ))}
      </dl>
      {report.unmapped_columns.length > 0 && <p class="muted small">{t('import.unmapped', { columns: report.unmapped_columns.join(', ') })}</p>}
      {report.errors.length > 0 && (
        <>
          <div class="table-wrap">
            <table class="table" data-testid="import-errors">
              <thead>
                <tr>
                  <th scope="col">{t('import.line')}</th>
                  <th scope="col">{t('import.field')}</th>
                  <th scope="col">{t('import.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((error, index) => (
                  <tr key={`${error.line}-${index}`} data-testid="import-error" data-line={error.line}>
                    <td class="numeric">{error.line}</td>
                    <td>
                      <code>{error.field}</code>
                    </td>
                    <td>{error.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.errors_truncated && <p class="muted small">{t('import.errors_truncated')}</p>}
          <div class="form__actions">
            <button
              type="button"
              class="button button--quiet"
              data-testid="download-errors"
              onClick={() => download(`${defaultMappingName(props.file_name)}-errors.csv`, errorReportCsv(report.errors), 'text/csv')}
            >
              {t('import.download_errors')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}

export function ImportPage() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [key, setKey] = useState<string>('email');
  const [commit, setCommit] = useState<string>('batch');
  const [preset, setPreset] = useState('');
  const [name, setName] = useState('');
  const [saved_mappings, setSavedMappings] = useState<ImportMapping[]>([]);
  const [busy, setBusy] = useState<MessageKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dry_run, setDryRun] = useState<ImportReport | null>(null);
  const [final, setFinal] = useState<ImportReport | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    listMappings(controller.signal).then(
      (items) => setSavedMappings(items.filter((mapping) => !(kPresets as readonly string[]).includes(mapping.name))),
      () => setSavedMappings([]),
    );
    return () => controller.abort();
  }, []);

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setPreview(null);
    setDryRun(null);
    setFinal(null);
    setError(null);
    if (chosen === null) return;
    setName(defaultMappingName(chosen.name));
    setBusy('import.reading');
    try {
      const answer = await previewImport(await readSample(chosen), importFormatOf(chosen.name), '');
      setPreview(answer);
      const initial: Record<string, string> = {};
      for (const column of answer.columns) initial[column] = answer.suggested[column] ?? '';
      setChoice(initial);
    } catch (caught) {
      setError(caught);
    }
    setBusy(null);
  };

  const applyPreset = (value: string) => {
    setPreset(value);
    setDryRun(null);
    setFinal(null);
    const saved = saved_mappings.find((mapping) => mapping.name === value);
    if (saved && preview) {
      const next: Record<string, string> = {};
      for (const column of preview.columns) next[column] = saved.columns.find(([candidate]) => candidate === column)?.[1] ?? '';
      setChoice(next);
      setName(saved.name);
    }
  };

  const using_builtin = (kPresets as readonly string[]).includes(preset);

  const run = async (dry: boolean) => {
    if (!file || !preview) return;
    setError(null);
    setBusy(dry ? 'import.checking' : 'import.importing');
    try {
      let mapping = preset;
      if (!using_builtin) {
        mapping = name.trim() === '' ? defaultMappingName(file.name) : name.trim();
        await saveMapping({ name: mapping, columns: mappingPairs(preview.columns, choice), default_calling_code: '' });
      }
      const report = await runImport(file, {
        format: importFormatOf(file.name),
        key,
        dry_run: dry,
        mapping,
        commit,
        delimiter: preview.delimiter,
      });
      if (dry) {
        setDryRun(report);
        setFinal(null);
      } else setFinal(report);
    } catch (caught) {
      setError(caught);
    }
    setBusy(null);
  };

  const changeMapping = (column: string, field: string) => {
    setChoice({ ...choice, [column]: field });
    setDryRun(null);
    setFinal(null);
  };

  return (
    <>
      <p class="breadcrumb small">
        <Link href="/contacts">{t('nav.contacts')}</Link> / {t('nav.import')}
      </p>
      <PageHeading>{t('import.title')}</PageHeading>
      <section class="card" aria-labelledby="import-file-heading">
        <div class="card__header">
          <h2 id="import-file-heading">{t('import.step_file')}</h2>
        </div>
        <Field id="import-file" label={t('import.file')} hint={t('import.file_hint')}>
          <input
            id="import-file"
            class="input"
            type="file"
            accept=".csv,.txt,.ndjson,.jsonl,text/csv,application/x-ndjson"
            aria-describedby="import-file-hint"
            data-testid="import-file"
            disabled={busy !== null}
            onChange={(event) => void chooseFile((event.currentTarget as HTMLInputElement).files?.[0] ?? null)}
          />
        </Field>
        {busy !== null && (
          <p class="busy" role="status" aria-live="polite" data-testid="import-busy">
            <span class="spinner" aria-hidden="true" /> {t(busy)}
          </p>
        )}
        {error !== null && <ProblemAlert error={error} />}
      </section>

      {preview !== null && file !== null && (
        <section class="card" aria-labelledby="import-mapping-heading" data-testid="import-mapping">
          <div class="card__header">
            <h2 id="import-mapping-heading">{t('import.step_mapping')}</h2>
            <p class="muted small">{t('import.file_facts', { name: file.name, columns: preview.columns.length, delimiter: preview.delimiter === '\t' ? 'TAB' : preview.delimiter })}</p>
          </div>
          <div class="form form--grid">
            <Field id="import-preset" label={t('import.preset')}>
              <select id="import-preset" class="input input--select" value={preset} onChange={(event) => applyPreset(inputValue(event))}>
                <option value="">{t('import.preset_none')}</option>
                <option value="hubspot">HubSpot</option>
                <option value="salesforce">Salesforce</option>
                {saved_mappings.map((mapping) => (
                  <option key={mapping.name} value={mapping.name}>
                    {t('import.saved_mapping', { name: mapping.name })}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="import-key" label={t('import.key')}>
              <select id="import-key" class="input input--select" value={key} onChange={(event) => setKey(inputValue(event))}>
                {kImportKeys.map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {t(kKeyLabels[candidate] ?? 'import.key.email')}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="import-commit" label={t('import.commit')}>
              <select id="import-commit" class="input input--select" value={commit} onChange={(event) => setCommit(inputValue(event))}>
                {kCommitModes.map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {t(kCommitLabels[candidate] ?? 'import.commit.batch')}
                  </option>
                ))}
              </select>
            </Field>
            {!using_builtin && (
              <Field id="import-mapping-name" label={t('import.mapping_name')} hint={t('import.mapping_name_hint')}>
                <input id="import-mapping-name" class="input" aria-describedby="import-mapping-name-hint" value={name} onInput={(event) => setName(inputValue(event))} />
              </Field>
            )}
          </div>
          {using_builtin ? (
            <p class="muted">{t('import.preset_applies')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table" data-testid="mapping-table">
                <thead>
                  <tr>
                    <th scope="col">{t('import.column')}</th>
                    <th scope="col">{t('import.sample')}</th>
                    <th scope="col">{t('import.field')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.columns.map((column, index) => (
                    <tr key={`${column}-${index}`} data-testid="mapping-row" data-column={column}>
                      <th scope="row">{column}</th>
                      <td class="table__details">
                        {preview.rows
                          .slice(0, kPreviewRowsShown)
                          .map((row) => row[index] ?? '')
                          .filter((cell) => cell !== '')
                          .join(' · ')}
                      </td>
                      <td>
                        <label class="visually-hidden" for={`map-${index}`}>
                          {t('import.field_for', { column })}
                        </label>
                        <select id={`map-${index}`} class="input input--select" value={choice[column] ?? ''} onChange={(event) => changeMapping(column, inputValue(event))}>
                          <option value="">{t('import.ignore')}</option>
                          {preview.fields.map((field) => (
                            <option key={field} value={field}>
                              {field}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div class="form__actions">
            <button type="button" class="button" data-testid="dry-run" disabled={busy !== null} onClick={() => void run(true)}>
              {t('import.check')}
            </button>
          </div>
        </section>
      )}

      {dry_run !== null && file !== null && (
        <section class="card" aria-labelledby="import-check-heading">
          <div class="card__header">
            <h2 id="import-check-heading">{t('import.step_check')}</h2>
          </div>
          <ReportView report={dry_run} file_name={file.name} />
          {final === null && (
            <div class="form__actions">
              <button type="button" class="button" data-testid="run-import" disabled={busy !== null} onClick={() => void run(false)}>
                {t('import.run')}
              </button>
            </div>
          )}
        </section>
      )}

      {final !== null && file !== null && (
        <section class="card" aria-labelledby="import-done-heading">
          <div class="card__header">
            <h2 id="import-done-heading">{t('import.step_done')}</h2>
          </div>
          <Notice testid="import-done">{t(final.committed || final.created + final.updated > 0 ? 'import.done' : 'import.nothing_written')}</Notice>
          <ReportView report={final} file_name={file.name} />
          <div class="form__actions">
            <Link href="/contacts" class="button button--quiet">
              {t('import.to_contacts')}
            </Link>
          </div>
        </section>
      )}
    </>
  );
}
