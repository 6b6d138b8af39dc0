/**
 * One store made of slices (zustand); middleware, if any, only on the combined store.
 */
import { create } from 'zustand';
import { createEngineSlice, type EngineSlice } from './engineSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type StudioState = EngineSlice & UiSlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createEngineSlice(...a),
  ...createUiSlice(...a),
}));
