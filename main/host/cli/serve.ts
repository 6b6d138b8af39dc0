/**
 * `serve`: web mode. Serves the built renderer on 127.0.0.1 with a per-launch token and the
 * studio API over a WebSocket; prints the URL to open.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, ErrorCode } from '../../../shared/errors';
import { defaultHome } from '../services/home';
import { createStudio } from '../studio';
import { startWebServer, type WebServer } from '../web/server';
import { parseBackend, parseCommandArgs, parseIntArg } from './args';

export const SERVE_HELP = `Usage: npm run serve -- [--port N] [--home DIR] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu]

Serves the studio to a browser on 127.0.0.1 (use an SSH tunnel to reach it from another
machine). Prints a URL with a per-launch token; without the token nothing is served.
The browser may name only files inside the studio home: it uploads its own files, and
exports are downloaded. TRANSFORMER_STUDIO_RENDERER=DIR serves another renderer build.`;

/** The largest TCP port. */
const MAX_PORT = 65_535;

/** --port: a whole number from 0 (a free port) to 65535. */
export function parsePort(value: string | undefined): number {
  // Number('') is 0: an empty --port would quietly pick a free port.
  const port = value?.trim() === '' ? -1 : (parseIntArg('port', value) ?? 0);
  if (port < 0 || port > MAX_PORT) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `--port must be a whole number from 0 (a free port) to ${MAX_PORT}; got ${JSON.stringify(value)}.`,
    );
  }
  return port;
}

/**
 * The built renderer (out/renderer), found from a build (out/main/...) or from source
 * (main/host/cli/...). The source renderer/ has an index.html too, so a build is told by its
 * assets/. TRANSFORMER_STUDIO_RENDERER names one explicitly (tests serve a stand-in page).
 */
export function findRendererDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRANSFORMER_STUDIO_RENDERER) return resolve(env.TRANSFORMER_STUDIO_RENDERER);
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
  // Everything the user typed is checked before anything starts: a bad flag exits at once.
  const port = parsePort(values.port);
  const backend = parseBackend(values.backend);
  const studio = createStudio({
    home: values.home ?? defaultHome(),
    backend,
    confineFilesToHome: true,
    // The engine starts once the server listens: a busy port must not leave a worker running.
    startEngine: false,
  });
  let web: WebServer;
  try {
    await studio.recover();
    web = await startWebServer({ studio, rendererDir: findRendererDir(), port });
  } catch (err) {
    await studio.dispose().catch(() => undefined);
    throw err;
  }
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
