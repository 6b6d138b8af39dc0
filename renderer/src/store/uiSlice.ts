import type { StateCreator } from 'zustand';
import type { StudioState } from './index';

export const SCREENS = [
  'datasets',
  'train',
  'checkpoints',
  'playground',
  'engine',
  'inside',
  'evaluate',
] as const;
export type Screen = (typeof SCREENS)[number];

export interface UiSlice {
  screen: Screen;
  setScreen(screen: Screen): void;
}

const SCREEN_KEY = 'studio.screen';

function rememberedScreen(): Screen {
  try {
    const saved = globalThis.localStorage?.getItem(SCREEN_KEY);
    return (SCREENS as readonly string[]).includes(saved ?? '') ? (saved as Screen) : 'datasets';
  } catch {
    return 'datasets';
  }
}

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  screen: rememberedScreen(),
  setScreen(screen) {
    try {
      globalThis.localStorage?.setItem(SCREEN_KEY, screen);
    } catch {
      // Storage may be unavailable (private mode); the screen still changes.
    }
    set({ screen });
  },
});
