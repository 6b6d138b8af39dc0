/**
 * `npm run import-hf -- DIR [--name NAME]`: a Hugging Face MarianMT folder (config.json,
 * model.safetensors, tokenizer.json) as a new run at step 0 that translates at once.
 * Errors are thrown as AppError for main/host/cli.ts to print.
 */
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import { defaultHome } from '../services/home';
import { importMarian } from '../services/marianModels';
import { RunsService } from '../services/runs';
import { parseCommandArgs } from './args';

const USAGE = `Usage: npm run import-hf -- DIR [--name NAME] [--dataset ID] [--home DIR]

  DIR           a Hugging Face MarianMT folder: config.json, model.safetensors (float32)
                and tokenizer.json (a BPE tokenizer with a Metaspace pre-tokenizer holding
                <pad> <s> </s> <unk>, which are renumbered to the studio's ids 0-3 where
                they sit elsewhere; e.g. one that \`npm run checkpoints -- export-hf\`
                wrote). Features the studio's model does not have (another activation,
                separate vocabularies, pre-LN, ...) are refused by name, never loaded
                approximately.
  --name NAME   the new run's name (default: the folder's name)
  --dataset ID  a dataset of the studio home to fine-tune on: its text is tokenized with
                the model's own tokenizer; then npm run train -- --resume RUN fine-tunes
  --home DIR    studio home (default: $TRANSFORMER_STUDIO_HOME or the app's data folder)
`;

/** Runs `import-hf`. Returns the exit code: 0 imported, 2 bad arguments. */
export async function runImportHfCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const { values, positionals } = parseCommandArgs(
    'import-hf',
    argv,
    { home: { type: 'string' }, name: { type: 'string' }, dataset: { type: 'string' } },
    true,
  );
  if (positionals.length !== 1) {
    throw new AppError(ErrorCode.InvalidArgument, 'import-hf needs one DIR (see --help).');
  }
  const runs = new RunsService(values.home ?? defaultHome());
  const run = await importMarian(runs, path.resolve(positionals[0]!), {
    ...(values.name ? { name: values.name } : {}),
    ...(values.dataset ? { datasetId: values.dataset } : {}),
  });
  console.log(
    `Imported ${positionals[0]} as run "${run.name}" (${run.id}) at step 0: translate with npm run translate -- --run ${runs.runDir(run.id)} --checkpoint 0 "..."${values.dataset ? `, fine-tune on ${values.dataset} with npm run train -- --resume ${runs.runDir(run.id)}` : ''}.`,
  );
  return 0;
}
