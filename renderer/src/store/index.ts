/**
 * One store made of slices (zustand); middleware, if any, only on the combined store.
 * IPC events reach it only through ./events.ts.
 */
import { create } from 'zustand';
import { createCorpusCheckSlice, type CorpusCheckSlice } from './corpusCheckSlice';
import { createDatasetsSlice, type DatasetsSlice } from './datasetsSlice';
import { createEngineSlice, type EngineSlice } from './engineSlice';
import { createEvaluateSlice, type EvaluateSlice } from './evaluateSlice';
import { createInsideSlice, type InsideSlice } from './insideSlice';
import { createPlaygroundSlice, type PlaygroundSlice } from './playgroundSlice';
import { createRunsSlice, type RunsSlice } from './runsSlice';
import { createTrainingSlice, type TrainingSlice } from './trainingSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type StudioState = EngineSlice &
  UiSlice &
  DatasetsSlice &
  CorpusCheckSlice &
  RunsSlice &
  TrainingSlice &
  EvaluateSlice &
  PlaygroundSlice &
  InsideSlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createEngineSlice(...a),
  ...createUiSlice(...a),
  ...createDatasetsSlice(...a),
  ...createCorpusCheckSlice(...a),
  ...createRunsSlice(...a),
  ...createTrainingSlice(...a),
  ...createEvaluateSlice(...a),
  ...createPlaygroundSlice(...a),
  ...createInsideSlice(...a),
}));
