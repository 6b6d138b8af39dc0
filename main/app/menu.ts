/**
 * The desktop app's native menu: the seven screens on Ctrl/Cmd+1..7, import and new run, and
 * the usual Edit / View / Window roles. Items reach the renderer as `menu` events.
 */
import {
  app,
  dialog,
  Menu,
  shell,
  type BrowserWindow,
  type MenuItemConstructorOptions,
} from 'electron';
import type { MenuAction, ScreenName } from '../../shared/api';

const SCREEN_LABELS: [ScreenName, string][] = [
  ['datasets', 'Datasets'],
  ['train', 'Train'],
  ['checkpoints', 'Checkpoints'],
  ['playground', 'Playground'],
  ['engine', 'Engine'],
  ['inside', 'Inside'],
  ['evaluate', 'Evaluate'],
];

const CORPUS_FILTERS = [
  {
    name: 'Parallel corpora',
    extensions: ['txt', 'tsv', 'csv', 'jsonl', 'json', 'gz', 'en', 'de', 'fr', 'es', 'src', 'tgt'],
  },
  { name: 'All files', extensions: ['*'] },
];

/** Asks for one TSV/CSV/JSONL file or two aligned files, in the native open dialog. */
async function chooseCorpus(window: BrowserWindow | undefined): Promise<string[]> {
  const options: Electron.OpenDialogOptions = {
    title: 'Import a parallel corpus',
    properties: ['openFile', 'multiSelections'],
    filters: CORPUS_FILTERS,
  };
  const result = window
    ? await dialog.showOpenDialog(window, options)
    : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths.slice(0, 2);
}

export function installMenu(
  send: (action: MenuAction) => void,
  getWindow: () => BrowserWindow | undefined,
): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Import Dataset…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const paths = await chooseCorpus(getWindow());
            if (paths.length > 0) send({ action: 'importFiles', paths });
          },
        },
        {
          label: 'New Training Run',
          accelerator: 'CmdOrCtrl+N',
          click: () => send({ action: 'newRun' }),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...SCREEN_LABELS.map(([screen, label], i): MenuItemConstructorOptions => ({
          label,
          accelerator: `CmdOrCtrl+${i + 1}`,
          click: () => send({ action: 'navigate', screen }),
        })),
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Attention Is All You Need (paper)',
          click: () => void shell.openExternal('https://arxiv.org/abs/1706.03762'),
        },
        { type: 'separator' },
        { label: `Version ${app.getVersion()}`, enabled: false },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
