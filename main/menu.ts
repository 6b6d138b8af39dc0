/**
 * The desktop app's native menu: the four screens on Ctrl/Cmd+1..4, import and new run, and
 * the usual Edit / View / Window roles. Items reach the renderer as `menu` events.
 */
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { MenuAction, ScreenName } from '../shared/api';

const SCREEN_LABELS: [ScreenName, string][] = [
  ['datasets', 'Datasets'],
  ['train', 'Train'],
  ['checkpoints', 'Checkpoints'],
  ['playground', 'Playground'],
];

export function installMenu(send: (action: MenuAction) => void): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Import Dataset…',
          accelerator: 'CmdOrCtrl+O',
          click: () => send({ action: 'importDataset' }),
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
