/**
 * `serve`: web mode. Serves the built renderer on 127.0.0.1 with a per-launch token and the
 * studio API over a WebSocket; prints the URL to open.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHome } from '../services/home';
import { createStudio } from '../studio';
import { startWebServer } from '../web/server';
import { parseBackend, parseCommandArgs, parseIntArg } from './args';

export const SERVE_HELP = `Usage: npm run serve -- [--port N] [--home DIR] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu]

Serves the studio to a browser on 127.0.0.1 (use an SSH tunnel to reach it from another
machine). Prints a URL with a per-launch token; without the token nothing is served.`;

/**
 * The built renderer (out/renderer), found from a build (out/main/...) or from source
 * (main/cli/...). The source renderer/ has an index.html too, so a build is told by its assets/.
 */
export function findRendererDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    for (const candidate of [join(dir, 'renderer'), join(dir, 'out', 'renderer')]) {
      if (existsSync(join(candidate, 'index.html')) && existsSync(join(candidate, 'assets')))
        return candidate;
    }
    dir = dirname(dir);
  }
  return join(process.cwd(), 'out', 'renderer');
}

export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, {
    port: { type: 'string' },
    home: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(SERVE_HELP);
    return 0;
  }
  const studio = createStudio({
    home: values.home ?? defaultHome(),
    backend: parseBackend(values.backend),
  });
  await studio.recover();
  const web = await startWebServer({
    studio,
    rendererDir: findRendererDir(),
    port: parseIntArg('port', values.port) ?? 0,
  });
  console.log(`Transformer Studio (web mode), home ${studio.home}`);
  console.log(`Open ${web.url}`);
  const info = await studio.engine.start().catch((err: Error) => {
    console.error(`The engine did not start: ${err.message}`);
    return undefined;
  });
  if (info) console.log(`Engine backend: ${info.backend} (${info.reason})`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await web.close();
  await studio.dispose();
  return 0;
}
