/**
 * One store made of slices (zustand); middleware, if any, only on the combined store.
 * IPC events reach it only through ./events.ts.
 */
import { create } from 'zustand';
import { createDatasetsSlice, type DatasetsSlice } from './datasetsSlice';
import { createEngineSlice, type EngineSlice } from './engineSlice';
import { createPlaygroundSlice, type PlaygroundSlice } from './playgroundSlice';
import { createRunsSlice, type RunsSlice } from './runsSlice';
import { createTrainingSlice, type TrainingSlice } from './trainingSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type StudioState = EngineSlice &
  UiSlice &
  DatasetsSlice &
  RunsSlice &
  TrainingSlice &
  PlaygroundSlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createEngineSlice(...a),
  ...createUiSlice(...a),
  ...createDatasetsSlice(...a),
  ...createRunsSlice(...a),
  ...createTrainingSlice(...a),
  ...createPlaygroundSlice(...a),
}));
