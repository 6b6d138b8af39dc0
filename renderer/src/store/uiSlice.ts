import type { StateCreator } from 'zustand';
import type { StudioState } from './index';

export type Screen = 'engine';

export interface UiSlice {
  screen: Screen;
  setScreen(screen: Screen): void;
}

const SCREEN_KEY = 'studio.screen';

function rememberedScreen(): Screen {
  const saved = globalThis.localStorage?.getItem(SCREEN_KEY);
  return saved === 'engine' ? saved : 'engine';
}

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  screen: rememberedScreen(),
  setScreen(screen) {
    globalThis.localStorage?.setItem(SCREEN_KEY, screen);
    set({ screen });
  },
});
